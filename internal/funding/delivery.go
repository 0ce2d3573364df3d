package funding

import (
	"context"

	"linli/internal/activity"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/errs"
	"linli/internal/registry"
)

// What the pages need beyond the API: the organizations a viewer may apply
// for, eligibility told before submitting (the same rule Submit applies),
// the activities a report may link, and an attachment's bytes.

// ApplicantOrgs are the organizations the viewer may apply for (canApply):
// a leader's own organization; for a hub's staff the hub itself and those
// whose money it holds.
func (s *Service) ApplicantOrgs(ctx context.Context, u *auth.User) ([]*registry.Org, error) {
	if !speaksForOrg(u) || u.OrgID == 0 {
		return nil, nil
	}
	ids := []int64{u.OrgID}
	if appliesForHeld(u) {
		held, err := s.Custody.Held(ctx, u.OrgID, 500)
		if err != nil {
			return nil, err
		}
		ids = append(ids, held...)
	}
	var out []*registry.Org
	for _, id := range ids {
		hub := u.OrgID // the viewer's hub holds the money of those it holds
		if id == u.OrgID {
			var err error
			if hub, err = s.Custody.HubOf(ctx, id); err != nil {
				return nil, err
			}
		}
		if !canApply(u, id, hub) {
			continue
		}
		o, err := s.Orgs.Lookup(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

// Eligibility tells why an organization may not apply to a call (nothing
// when it may), by the rule Submit applies, for the applicant to read
// before submitting.
func (s *Service) Eligibility(ctx context.Context, u *auth.User, callID, orgID, pairingOrg int64) ([]errs.Msg, error) {
	c, err := s.call(ctx, s.DB.Read, u, callID)
	if err != nil {
		return nil, err
	}
	o, err := s.applicant(ctx, u, orgID)
	if err != nil {
		return nil, err
	}
	facts, err := s.facts(ctx, o, pairingOrg, clock.Day(s.now()))
	if err != nil {
		return nil, err
	}
	out := ineligible(c.Eligibility, facts)
	if !inPlace(&c.CallInput, o.CommunityCode) {
		out = append(out, errs.M("err.fund.outside_place"))
	}
	return out, nil
}

// ReportableActivities are the latest activities of a project's
// organization, for its report to link by name.
func (s *Service) ReportableActivities(ctx context.Context, u *auth.User, projectID int64) ([]LinkedActivity, error) {
	p, _, _, err := s.project(ctx, u, projectID)
	if err != nil {
		return nil, err
	}
	lines, err := activity.OrgRecent(ctx, s.DB.Read, p.OrgID, 200)
	if err != nil {
		return nil, err
	}
	out := make([]LinkedActivity, 0, len(lines))
	for _, l := range lines {
		out = append(out, LinkedActivity{ID: l.ID, Title: l.Title, StartsOn: l.StartsOn})
	}
	return out, nil
}

// MilestoneFile returns a report's attachment to whoever may see the project.
func (s *Service) MilestoneFile(ctx context.Context, u *auth.User, projectID, fileID int64) (*MilestoneFile, []byte, error) {
	if _, _, _, err := s.project(ctx, u, projectID); err != nil {
		return nil, nil, err
	}
	return milestoneFileData(ctx, s.DB.Read, projectID, fileID)
}
