package gate

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/optgate/optgate/internal/cloudapi"
	"github.com/optgate/optgate/internal/store"
)

// maxReplyAttempts bounds retries of one reply; a reply that old is no
// longer useful to the person.
const maxReplyAttempts = 12

// replyLease is how long a claimed reply is the claimer's; it is renewed
// just before the reply is sent, whose Cloud API call is bounded by 30 s.
const replyLease = time.Minute

// Wake tells the outbox worker that jobs are waiting.
func (g *Gate) Wake() {
	select {
	case g.wake <- struct{}{}:
	default:
	}
}

// RunOutbox sends queued replies until ctx ends. Jobs survive crashes: a job
// claimed by a worker that dies is taken again when its lease ends.
func (g *Gate) RunOutbox(ctx context.Context) {
	log := g.log.With("worker", "outbox")
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		for {
			jobs, err := g.store.ClaimJobs(ctx, 32, replyLease)
			if err != nil {
				if ctx.Err() == nil {
					log.Warn("cannot claim jobs", "err", err)
				}
				break
			}
			for _, j := range jobs {
				// The batch may outlast its lease (a slow Cloud API):
				// a job another instance has taken since is theirs.
				ours, err := g.store.RenewJob(ctx, j, replyLease)
				if err != nil {
					if ctx.Err() == nil {
						log.Warn("cannot renew a reply's lease", "job", j.ID, "err", err)
					}
					break
				}
				if ours {
					g.runJob(ctx, log, j)
				}
			}
			if len(jobs) < 32 {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-g.wake:
		case <-tick.C:
		}
	}
}

func (g *Gate) runJob(ctx context.Context, log *slog.Logger, j store.Job) {
	a, ok := g.byID[j.AccountID]
	var err error
	var permanent bool
	if !ok {
		err, permanent = errors.New("account no longer configured"), true
	} else {
		var r replyJob
		if err = json.Unmarshal([]byte(j.Payload), &r); err != nil {
			permanent = true
		} else {
			sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			_, err = g.client.SendText(sctx, a.Upstream, r.PhoneNumberID, r.To, r.Text)
			cancel()
			var ue *cloudapi.UpstreamError
			permanent = errors.As(err, &ue) && ue.Permanent()
		}
	}
	if err == nil {
		g.metrics.Replies.WithLabelValues("sent").Inc()
		if err := g.store.CompleteJob(ctx, j.ID); err != nil {
			log.Warn("cannot mark reply sent", "job", j.ID, "err", err)
		}
		return
	}
	attempts := j.Attempts + 1
	if permanent || attempts >= maxReplyAttempts {
		g.metrics.Replies.WithLabelValues("failed").Inc()
		log.Warn("reply dropped", "job", j.ID, "account", j.AccountID, "attempts", attempts, "err", err)
		if err := g.store.DropJob(ctx, j.ID, err.Error()); err != nil {
			log.Warn("cannot drop reply", "job", j.ID, "err", err)
		}
		return
	}
	g.metrics.Replies.WithLabelValues("retry").Inc()
	delay := min(time.Second<<attempts, time.Hour)
	delay = delay/2 + rand.N(delay/2+1)
	log.Info("reply will be retried", "job", j.ID, "in", delay, "err", err)
	if err := g.store.RetryJob(ctx, j.ID, g.now().Add(delay), err.Error()); err != nil {
		log.Warn("cannot schedule retry", "job", j.ID, "err", err)
	}
}
