package incubation

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"linli/internal/platform/audit"
	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
	"linli/internal/platform/idem"
)

// MaxBooking bounds the length of one booking.
const MaxBooking = 12 * time.Hour

// BookAhead bounds how far ahead a room may be booked.
const BookAhead = 180 * 24 * time.Hour

const roomColumns = `id, base_id, name, capacity, facilities, active`

func scanRoom(sc interface{ Scan(...any) error }) (*Room, error) {
	var r Room
	var active int
	err := sc.Scan(&r.ID, &r.BaseID, &r.Name, &r.Capacity, &r.Facilities, &active)
	r.Active = active != 0
	return &r, err
}

// Rooms lists a base's rooms.
func (s *Service) Rooms(ctx context.Context, baseID int64) ([]Room, error) {
	return db.List(ctx, s.DB.Read, "incubation: rooms", scanRoom, `SELECT `+roomColumns+` FROM base_rooms WHERE base_id = $1 ORDER BY active DESC, name, id`, baseID)
}

// AddRoom adds a room to a base.
func (s *Service) AddRoom(ctx context.Context, u *auth.User, baseID int64, in RoomInput) (*Room, error) {
	b, err := s.operated(ctx, u, baseID)
	if err != nil {
		return nil, err
	}
	in.Name, in.Facilities = strings.TrimSpace(in.Name), strings.TrimSpace(in.Facilities)
	f := errs.Fields{}
	f.Length("name", in.Name, 1, 50)
	f.Length("facilities", in.Facilities, 0, 200)
	if in.Capacity < 0 || in.Capacity > 10000 {
		f.Add("capacity", "err.bad_number")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	return idem.Do(ctx, s.DB, now, func(tx *sql.Tx) (*Room, error) {
		out, err := scanRoom(tx.QueryRowContext(ctx, `INSERT INTO base_rooms (base_id, name, capacity, facilities, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING `+roomColumns, baseID, in.Name, in.Capacity, in.Facilities, now))
		if err != nil {
			return nil, fmt.Errorf("incubation: add room: %w", err)
		}
		return out, audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "base.room_add", ObjectType: "base_room",
			ObjectID: strconv.FormatInt(out.ID, 10), ScopeCode: b.DivisionCode, Detail: map[string]any{"base_id": baseID, "room": in}})
	})
}

// Book reserves a room for an organization; an overlap with another booking
// of the room is refused.
func (s *Service) Book(ctx context.Context, u *auth.User, baseID int64, in BookingInput) (*Booking, error) {
	b, err := s.Get(ctx, u, baseID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	in.Purpose = strings.TrimSpace(in.Purpose)
	in.StartsAt, in.EndsAt = in.StartsAt.UTC().Truncate(time.Minute), in.EndsAt.UTC().Truncate(time.Minute)
	f := errs.Fields{}
	o, err := s.servedOrg(ctx, b, in.OrgID, f)
	if err != nil {
		return nil, err
	}
	if o != nil && !canBook(u, b, o) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	f.Length("purpose", in.Purpose, 1, 200)
	switch {
	case in.StartsAt.IsZero():
		f.Add("starts_at", "err.required")
	case in.StartsAt.Before(now):
		f.Add("starts_at", "err.booking_past")
	case in.StartsAt.After(now.Add(BookAhead)):
		f.Add("starts_at", "err.booking_too_far")
	}
	switch {
	case in.EndsAt.IsZero():
		f.Add("ends_at", "err.required")
	case !in.EndsAt.After(in.StartsAt):
		f.Add("ends_at", "err.period_order")
	case in.EndsAt.Sub(in.StartsAt) > MaxBooking:
		f.Add("ends_at", "err.booking_too_long", int(MaxBooking.Hours()))
	}
	if !b.OpenOn(s.today()) {
		f.Add("room_id", "err.base_closed")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	return idem.Do(ctx, s.DB, now, func(tx *sql.Tx) (*Booking, error) {
		room, err := scanRoom(tx.QueryRowContext(ctx, `SELECT `+roomColumns+` FROM base_rooms WHERE id = $1 AND base_id = $2`+
			s.DB.Dialect.ForUpdate(), in.RoomID, baseID))
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !room.Active) {
			return nil, errs.Field("room_id", "err.choose_one")
		}
		if err != nil {
			return nil, err
		}
		var clash int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM room_bookings WHERE room_id = $1 AND status = $2
			AND starts_at < $3 AND ends_at > $4`, in.RoomID, Booked, in.EndsAt, in.StartsAt).Scan(&clash); err != nil {
			return nil, fmt.Errorf("incubation: overlap: %w", err)
		}
		if clash > 0 {
			return nil, errs.FieldConflict("starts_at", "err.booking_conflict")
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO room_bookings (room_id, base_id, org_id, starts_at, ends_at, purpose, status,
			booked_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			in.RoomID, baseID, in.OrgID, in.StartsAt, in.EndsAt, in.Purpose, Booked, u.ID, now).Scan(&id); err != nil {
			return nil, fmt.Errorf("incubation: book: %w", err)
		}
		out, err := getBooking(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		return out, audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "base.book", ObjectType: "room_booking",
			ObjectID: strconv.FormatInt(id, 10), ScopeCode: o.CommunityCode,
			Detail: map[string]any{"base_id": baseID, "room_id": in.RoomID, "org_id": in.OrgID, "starts_at": in.StartsAt, "ends_at": in.EndsAt}})
	})
}

const bookingColumns = `k.id, k.room_id, r.name, k.base_id, k.org_id, o.name, k.starts_at, k.ends_at, k.purpose, k.status,
	COALESCE(k.booked_by, 0)`

const bookingFrom = ` FROM room_bookings k JOIN base_rooms r ON r.id = k.room_id JOIN orgs o ON o.id = k.org_id`

func scanBooking(sc interface{ Scan(...any) error }) (*Booking, error) {
	var k Booking
	err := sc.Scan(&k.ID, &k.RoomID, &k.RoomName, &k.BaseID, &k.OrgID, &k.OrgName, &k.StartsAt, &k.EndsAt, &k.Purpose,
		&k.Status, &k.BookedBy)
	k.StartsAt, k.EndsAt = k.StartsAt.UTC(), k.EndsAt.UTC()
	return &k, err
}

func getBooking(ctx context.Context, q db.Querier, id int64) (*Booking, error) {
	return db.One(ctx, q, "incubation: booking", scanBooking, `SELECT `+bookingColumns+bookingFrom+` WHERE k.id = $1`, id)
}

// Bookings lists a base's bookings from a moment on.
func (s *Service) Bookings(ctx context.Context, baseID int64, from time.Time) ([]Booking, error) {
	return db.List(ctx, s.DB.Read, "incubation: bookings", scanBooking, `SELECT `+bookingColumns+bookingFrom+`
		WHERE k.base_id = $1 AND k.ends_at > $2 AND k.status = $3 ORDER BY k.starts_at, k.id LIMIT 500`, baseID, from.UTC(), Booked)
}

// CancelBooking cancels a booking: by whoever booked it, the organization's
// leader, or the base's operators.
func (s *Service) CancelBooking(ctx context.Context, u *auth.User, baseID, id int64) (*Booking, error) {
	b, err := s.Get(ctx, u, baseID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	return idem.Do(ctx, s.DB, now, func(tx *sql.Tx) (*Booking, error) {
		k, err := getBooking(ctx, tx, id)
		if err != nil || k.BaseID != baseID {
			return nil, errs.Missing()
		}
		if !canCancel(u, b, k) {
			return nil, errs.E(errs.Forbidden, "err.forbidden")
		}
		if k.Status != Booked {
			return nil, errs.E(errs.Conflict, "err.booking_cancelled")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE room_bookings SET status = $1, cancelled_at = $2 WHERE id = $3`, Cancelled, now, id); err != nil {
			return nil, fmt.Errorf("incubation: cancel: %w", err)
		}
		k.Status = Cancelled
		return k, audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "base.cancel_booking", ObjectType: "room_booking",
			ObjectID: strconv.FormatInt(id, 10), ScopeCode: b.DivisionCode, Detail: map[string]any{"base_id": baseID}})
	})
}
