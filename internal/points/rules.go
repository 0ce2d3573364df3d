// Package points keeps the demonstration points (社区社会组织示范点, issue
// 11) as records: a district's organization or community recognized for a
// plan year, why, approved by whom and when. A district may have several a
// year and an organization may be a point in several years; cancelling one
// keeps it, marked, and the demonstration_points indicator reads them.
package points

import (
	"strings"
	"time"

	"linli/internal/effective"
	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
)

// Kinds of points: the plan's yearly point, and a province's designation of
// a district as a pilot unit (白云区 全省社区社会组织示范点试点单位).
const (
	KindPoint           = "point"
	KindProvincialPilot = "provincial_pilot"
)

// Statuses.
const (
	StatusActive    = "active"
	StatusCancelled = "cancelled"
)

// Point is one demonstration point.
type Point struct {
	ID            int64      `json:"id"`
	Kind          string     `json:"kind"`
	DistrictCode  string     `json:"district_code"`
	DistrictName  string     `json:"district_name"`
	StreetCode    string     `json:"street_code,omitempty"`
	CommunityCode string     `json:"community_code,omitempty"`
	CommunityName string     `json:"community_name,omitempty"`
	OrgID         int64      `json:"org_id,omitempty"`
	OrgName       string     `json:"org_name,omitempty"`
	Year          int        `json:"year"`
	Reason        string     `json:"reason"`
	ApprovedBy    int64      `json:"approved_by,omitempty"`
	ApproverName  string     `json:"approver_name"`
	ApprovedOn    string     `json:"approved_on"`
	LateReason    string     `json:"late_reason,omitempty"`
	Late          bool       `json:"late"`
	Status        string     `json:"status"`
	CancelReason  string     `json:"cancel_reason,omitempty"`
	CancelledAt   *time.Time `json:"cancelled_at,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
}

// Input records a point.
type Input struct {
	Kind          string `json:"kind"`
	DistrictCode  string `json:"district_code"`
	Year          int    `json:"year"`
	OrgID         int64  `json:"org_id"`
	CommunityCode string `json:"community_code"`
	Reason        string `json:"reason"`
	ApprovedOn    string `json:"approved_on"`
	LateReason    string `json:"late_reason"`
}

// CanApprove reports who records points: district officers for their
// district, the city administrator for any.
func CanApprove(u *auth.User) bool {
	return u.IsDistrictOrAbove()
}

// normalize trims the input and fills its defaults.
func (in *Input) normalize(today string) {
	in.Kind = strings.TrimSpace(in.Kind)
	if in.Kind == "" {
		in.Kind = KindPoint
	}
	in.DistrictCode = strings.TrimSpace(in.DistrictCode)
	in.CommunityCode = strings.TrimSpace(in.CommunityCode)
	in.Reason = strings.TrimSpace(in.Reason)
	in.ApprovedOn = strings.TrimSpace(in.ApprovedOn)
	if in.ApprovedOn == "" {
		in.ApprovedOn = today
	}
}

// validate checks what needs no lookup; it returns whether the entry is late
// and the late reason to keep.
func (in *Input) validate(f errs.Fields, today string) (bool, string) {
	if in.Kind != KindPoint && in.Kind != KindProvincialPilot {
		f.Add("kind", "err.choose_one")
	}
	if len(in.DistrictCode) != 6 {
		f.Add("district_code", "points.err.district")
	}
	if in.Year < 2021 || in.Year > 2100 {
		f.Add("year", "points.err.year", 2021, 2100)
	} else if len(today) >= 4 && in.Year > atoi(today[:4])+1 {
		f.Add("year", "points.err.year_future")
	}
	switch {
	case in.Kind == KindPoint && in.OrgID == 0 && in.CommunityCode == "":
		f.Add("org_id", "points.err.org_or_community")
	case in.OrgID != 0 && in.CommunityCode != "":
		f.Add("community_code", "points.err.org_or_community")
	}
	if in.CommunityCode != "" && (len(in.CommunityCode) != 12 || !strings.HasPrefix(in.CommunityCode, in.DistrictCode)) {
		f.Add("community_code", "points.err.community")
	}
	f.Length("reason", in.Reason, 1, 500)
	late := effective.Check(f, "approved_on", in.ApprovedOn, today, "2021-01-01", "")
	return late, effective.Reason(f, late, in.LateReason)
}

// validateCancel checks a cancellation.
func validateCancel(p *Point, reason string) error {
	if p.Status == StatusCancelled {
		return errs.E(errs.Conflict, "points.err.cancelled")
	}
	f := errs.Fields{}
	if strings.TrimSpace(reason) == "" {
		f.Add("reason", "err.required")
	}
	f.Length("reason", reason, 0, 500)
	return f.Err()
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + int(c-'0')
	}
	return n
}
