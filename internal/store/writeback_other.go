//go:build !linux

package store

import "os"

// writeback does nothing here: only Linux can start writing a file's dirty
// pages out without waiting for them (writeback_linux.go), and a sync every
// pass would flush the disk's cache (macOS) or fail on a read-only handle
// (Windows). The writer's restart then syncs all of it.
func writeback(*os.File) error { return nil }
