package store

import (
	"context"
	"time"
)

// Job is a unit of work that must happen after a commit and survive a
// crash: a reply to a person, later a webhook to forward. Jobs are unique per
// (Kind, DedupeKey), so enqueueing twice is harmless.
type Job struct {
	ID        int64
	AccountID string
	Kind      string
	DedupeKey string
	Payload   string
	Attempts  int
}

// Enqueue adds a job due now.
func (t *Tx) Enqueue(ctx context.Context, j Job) error {
	_, err := t.exec(ctx, "enqueue", j.AccountID, j.Kind, j.DedupeKey, j.Payload, ms(t.s.now()))
	return err
}

// ClaimJobs leases up to limit due jobs for lease: no other worker takes
// them until the lease ends, so a worker that dies mid-job only delays it.
func (s *Store) ClaimJobs(ctx context.Context, limit int, lease time.Duration) ([]Job, error) {
	var jobs []Job
	err := s.Write(ctx, func(ctx context.Context, tx *Tx) error {
		jobs = jobs[:0]
		now := s.now()
		rows, err := tx.query(ctx, "dueJobs", ms(now), limit)
		if err != nil {
			return err
		}
		for rows.Next() {
			var j Job
			if err := rows.Scan(&j.ID, &j.AccountID, &j.Kind, &j.DedupeKey, &j.Payload, &j.Attempts); err != nil {
				rows.Close()
				return unavailable(err)
			}
			jobs = append(jobs, j)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return unavailable(err)
		}
		for _, j := range jobs {
			if _, err := tx.exec(ctx, "leaseJob", j.ID, ms(now.Add(lease))); err != nil {
				return err
			}
		}
		return nil
	})
	return jobs, err
}

// RenewJob extends the lease of a job that ClaimJobs gave the caller, and
// reports whether it still had it: a batch of jobs can outlast the lease
// taken for it, and a job whose lease ran out may have been claimed by
// another worker (each claim counts an attempt), which then runs it. Call it
// just before running each job.
func (s *Store) RenewJob(ctx context.Context, j Job, lease time.Duration) (bool, error) {
	var ours bool
	err := s.Write(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.exec(ctx, "renewJob", j.ID, j.Attempts+1, ms(s.now().Add(lease)))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		ours = n == 1
		return unavailable(err)
	})
	return ours, err
}

// CompleteJob marks a job done.
func (s *Store) CompleteJob(ctx context.Context, id int64) error {
	return s.Write(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.exec(ctx, "completeJob", id, ms(s.now()))
		return err
	})
}

// RetryJob records a failed attempt and when to try again.
func (s *Store) RetryJob(ctx context.Context, id int64, at time.Time, reason string) error {
	if len(reason) > 500 {
		reason = reason[:500]
	}
	return s.Write(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.exec(ctx, "failJob", id, ms(at), reason)
		return err
	})
}

// DropJob gives up on a job, keeping why.
func (s *Store) DropJob(ctx context.Context, id int64, reason string) error {
	if len(reason) > 500 {
		reason = reason[:500]
	}
	return s.Write(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.exec(ctx, "dropJob", id, ms(s.now()), reason)
		return err
	})
}
