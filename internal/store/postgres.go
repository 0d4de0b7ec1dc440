package store

import (
	"context"
	"database/sql"

	"github.com/optgate/optgate/internal/consent"
)

func openPostgres(ctx context.Context, dsn string) (*dialect, *sql.DB, error) {
	return nil, nil, consent.Errorf(consent.EInvalid, "database: PostgreSQL is not supported yet; use sqlite:PATH")
}
