//go:build linux

package store

import (
	"os"

	"golang.org/x/sys/unix"
)

// writeback starts writing the file's dirty pages to disk and returns
// without waiting for them or flushing the disk's cache (sync_file_range).
func writeback(f *os.File) error {
	return unix.SyncFileRange(int(f.Fd()), 0, 0, unix.SYNC_FILE_RANGE_WRITE)
}
