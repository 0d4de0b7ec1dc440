//go:build !linux

package store

import "os"

// writeback writes the file's dirty pages to disk. Only Linux can start
// that without waiting for it (writeback_linux.go); elsewhere it is a sync.
func writeback(f *os.File) error {
	return f.Sync()
}
