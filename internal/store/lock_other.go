//go:build !unix

package store

import "os"

// lockServing does nothing here: there is no flock (lock_unix.go).
func lockServing(*os.File) error { return nil }
