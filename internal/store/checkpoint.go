package store

import (
	"context"
	"database/sql"
	"os"
	"time"
)

// Checkpoints on SQLite, beside the writer.
//
// A checkpoint copies the pages of the WAL into the database file (and syncs
// that file once it has copied them all). SQLite's own (wal_autocheckpoint)
// runs inside the commit that takes the WAL past its mark, so that commit,
// and every webhook waiting on it, waits for the copy and the syncs: at 250
// pages, one commit in ten took 5 to 7 ms instead of 1 to 2. Here a
// checkpointer on a connection of its own copies the WAL while the writer
// goes on (a PASSIVE checkpoint takes no lock the writer needs).
//
// Only a checkpoint that finds nothing written after it lets the next
// transaction start the WAL file over, and while writes keep coming the
// checkpointer never does: each pass ends behind the writer. So when the WAL
// passes restartAt pages, the writer itself checkpoints between two batches.
// The checkpointer has just copied nearly all of it, so that costs the
// writer the last batch's pages and the syncs, a few times a second at full
// load. SQLite's own checkpoint stays, far above that mark, in case this
// falls behind.
//
// SQLite syncs the database file only in a checkpoint that completes (until
// then the WAL still holds every page), so the writer's would flush all that
// the checkpointer copied since the last restart: 11-15 ms at 4,000
// webhooks/s, where a restart then came every 0.4 s. After each pass the
// checkpointer therefore starts the kernel writing the copied pages out
// (writeback), without waiting for it, and the writer's sync finds little
// left: about 3 ms.

const (
	// checkpointEvery is the least time between two passes of the
	// checkpointer. Each pass syncs the WAL before it copies; fewer, larger
	// passes leave the disk to the commits' syncs.
	checkpointEvery = 50 * time.Millisecond
	// restartAt is the WAL's length, in pages, past which the writer
	// checkpoints between batches so that the file starts over (16 MiB).
	restartAt = 4096
)

// startCheckpointer starts the checkpointer on a connection it keeps.
func (s *Store) startCheckpointer(ctx context.Context) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return s.wrap(err)
	}
	// Closing a descriptor of the database file drops every lock the
	// process holds on it, SQLite's included, so this one stays open until
	// the database is closed (Store.Close).
	if s.dbFile, err = os.Open(s.path); err != nil {
		s.log.Warn("checkpoints without writeback: cannot open the database file", "err", err)
	}
	s.committed = make(chan struct{}, 1)
	s.wg.Add(1)
	go s.checkpointer(conn)
	return nil
}

func (s *Store) checkpointer(conn *sql.Conn) {
	defer s.wg.Done()
	defer conn.Close()
	pace := time.NewTimer(0)
	defer pace.Stop()
	for {
		select {
		case <-s.quit:
			return
		case <-s.committed:
		}
		frames, _, ok := s.checkpoint(conn)
		if ok && frames >= s.restartAt {
			s.restartDue.Store(true)
		}
		if s.dbFile != nil {
			if err := writeback(s.dbFile); err != nil {
				// Only the next restart's sync is slower.
				s.log.Debug("database writeback", "err", err)
			}
		}
		pace.Reset(s.checkpointEvery)
		select {
		case <-s.quit:
			return
		case <-pace.C:
		}
	}
}

// restartWAL checkpoints the whole WAL between two batches, so that the next
// transaction starts the file over. A reader still on pages of the WAL keeps
// it from finishing: the writer tries again after its next batch, which
// costs nothing until the reader moves on. When the checkpointer's own pass
// holds the lock, or the database fails, the request is dropped: the
// checkpointer makes it again after its next pass if the WAL is still long,
// so a failing disk is logged at its pace, not at every batch.
func (s *Store) restartWAL() {
	if frames, copied, ok := s.checkpoint(s.db); !ok || frames == copied {
		s.restartDue.Store(false)
	}
}

// checkpoint runs a PASSIVE checkpoint: frames is the WAL's length in pages,
// copied how many of them are in the database file now. ok is false when
// another checkpoint was running or the database failed.
func (s *Store) checkpoint(conn interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}) (frames, copied int, ok bool) {
	var busy int
	err := conn.QueryRowContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &copied)
	if err != nil {
		// Nothing is lost: the pages stay in the WAL until a checkpoint
		// copies them, and the next commit brings another pass.
		s.log.Warn("checkpoint", "err", s.wrap(err))
		return 0, 0, false
	}
	return frames, copied, busy == 0
}

// noteCommit tells the checkpointer, if there is one, that the WAL has grown.
func (s *Store) noteCommit() {
	if s.committed == nil {
		return
	}
	select {
	case s.committed <- struct{}{}:
	default:
	}
}
