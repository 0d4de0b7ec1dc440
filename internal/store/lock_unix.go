//go:build unix

package store

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// lockServing takes an exclusive flock on the database file, without
// waiting: held while the store is open, by one serving process at a time.
// flock locks are apart from SQLite's own (POSIX record locks), so commands
// run beside the server still open the file. errHeld: another process holds
// it.
func lockServing(f *os.File) error {
	err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
	if errors.Is(err, unix.EWOULDBLOCK) {
		return errHeld
	}
	return err
}
