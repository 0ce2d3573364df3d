package home

import (
	"context"
	"fmt"
	"strconv"

	"linli/internal/ledger"
	"linli/internal/platform/auth"
	"linli/internal/registry"
)

// Task is one kind of work waiting for the user: how many, how many are
// overdue, and the list behind it.
type Task struct {
	Key     string `json:"key"`
	Label   string `json:"label"`
	Count   int    `json:"count"`
	Overdue int    `json:"overdue,omitempty"`
	Link    string `json:"link"`
}

// Source tells the tasks of one room for a user; it returns none where the
// user has nothing to do there. Labels are filled in by the board.
type Source func(ctx context.Context, u *auth.User) ([]Task, error)

// Board gathers every room's tasks.
type Board struct {
	Sources []Source
}

// For lists the user's tasks with a count above zero, in the order of the
// sources.
func (b *Board) For(ctx context.Context, u *auth.User) ([]Task, error) {
	out := []Task{}
	for _, src := range b.Sources {
		ts, err := src(ctx, u)
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			if t.Count > 0 {
				out = append(out, t)
			}
		}
	}
	return out, nil
}

// Orgs is what the registry's tasks read.
type Orgs interface {
	List(ctx context.Context, u *auth.User, f registry.Filter) (*registry.Page, error)
	Get(ctx context.Context, u *auth.User, id int64) (*registry.Org, error)
}

// OrgTasks: filings waiting for the officer's decision (community
// committees decide on community-tier groups, streets and above on every
// tier); for a leader, a filing returned for changes.
func OrgTasks(orgs Orgs) Source {
	return func(ctx context.Context, u *auth.User) ([]Task, error) {
		switch u.Role {
		case auth.CityAdmin, auth.DistrictOfficer, auth.StreetOfficer, auth.CommunityCommittee:
			f := registry.Filter{Status: registry.StatusPending, PerPage: 1}
			link := "/orgs?status=pending"
			if u.Role == auth.CommunityCommittee {
				f.Tier = registry.TierCommunity
				link += "&tier=" + registry.TierCommunity
			}
			p, err := orgs.List(ctx, u, f)
			if err != nil {
				return nil, fmt.Errorf("tasks: pending filings: %w", err)
			}
			return []Task{{Key: "orgs.pending", Count: p.Total, Link: link}}, nil
		case auth.OrgLeader:
			if u.OrgID == 0 {
				return nil, nil
			}
			o, err := orgs.Get(ctx, u, u.OrgID)
			if err != nil {
				return nil, fmt.Errorf("tasks: own organization: %w", err)
			}
			if o.Status == registry.StatusReturned {
				return []Task{{Key: "orgs.returned", Count: 1, Link: "/orgs/" + strconv.FormatInt(o.ID, 10)}}, nil
			}
		}
		return nil, nil
	}
}

// Expenses is what the custody ledger's tasks read.
type Expenses interface {
	HubExpenses(ctx context.Context, u *auth.User, hubID int64, status string) ([]*ledger.Expense, error)
	OrgExpenses(ctx context.Context, u *auth.User, orgID int64, status string) ([]*ledger.Expense, error)
}

// ExpenseTasks: a hub's staff decide on the expenses its organizations
// submit; a leader resubmits the ones returned.
func ExpenseTasks(led Expenses) Source {
	return func(ctx context.Context, u *auth.User) ([]Task, error) {
		if u.OrgID == 0 {
			return nil, nil
		}
		id := strconv.FormatInt(u.OrgID, 10)
		switch u.Role {
		case auth.HubStaff:
			es, err := led.HubExpenses(ctx, u, u.OrgID, ledger.ExpensePending)
			if err != nil {
				return nil, fmt.Errorf("tasks: hub expenses: %w", err)
			}
			return []Task{{Key: "expenses.pending", Count: len(es), Link: "/hubs/" + id}}, nil
		case auth.OrgLeader:
			es, err := led.OrgExpenses(ctx, u, u.OrgID, ledger.ExpenseReturned)
			if err != nil {
				return nil, nil // an organization without a custody account has none
			}
			return []Task{{Key: "expenses.returned", Count: len(es), Link: "/custody/" + id}}, nil
		}
		return nil, nil
	}
}

// Reports is what the major-activity reports' tasks read.
type Reports interface {
	AwaitingDecision(ctx context.Context, u *auth.User) (int, error)
}

// ReportTasks: major-activity reports waiting for the acknowledging level
// (the street, or the community committee for community-tier groups).
func ReportTasks(acts Reports) Source {
	return func(ctx context.Context, u *auth.User) ([]Task, error) {
		switch u.Role {
		case auth.CityAdmin, auth.DistrictOfficer, auth.StreetOfficer, auth.CommunityCommittee:
		default:
			return nil, nil
		}
		n, err := acts.AwaitingDecision(ctx, u)
		if err != nil {
			return nil, fmt.Errorf("tasks: major-activity reports: %w", err)
		}
		return []Task{{Key: "major_reports.pending", Count: n, Link: "/major-reports"}}, nil
	}
}

// WorkReports is what the work reports to the 两委 tell the board.
type WorkReports interface {
	WorkReportCounts(ctx context.Context, u *auth.User) (count, overdue int, err error)
}

// WorkReportTasks: for officers, work reports awaiting review and those
// overdue in scope; for a leader, the reports owed or returned.
func WorkReportTasks(g WorkReports) Source {
	return func(ctx context.Context, u *auth.User) ([]Task, error) {
		n, late, err := g.WorkReportCounts(ctx, u)
		if err != nil {
			return nil, fmt.Errorf("tasks: work reports: %w", err)
		}
		return []Task{{Key: "work_reports.due", Count: n, Overdue: late, Link: "/work-reports"}}, nil
	}
}

// CensusRounds is what the census rounds tell the board.
type CensusRounds interface {
	CensusCounts(ctx context.Context, u *auth.User) (count, overdue int, err error)
}

// CensusTasks: for a street, the open census rounds it has yet to submit
// to; for the district, the streets yet to submit; for a community
// committee, the rounds in which it checks its community's organizations
// before its street submits (the list of them is the work).
func CensusTasks(c CensusRounds) Source {
	return func(ctx context.Context, u *auth.User) ([]Task, error) {
		n, late, err := c.CensusCounts(ctx, u)
		if err != nil {
			return nil, fmt.Errorf("tasks: census: %w", err)
		}
		if u.Role == auth.CommunityCommittee {
			return []Task{{Key: "census.check", Count: n, Overdue: late, Link: "/orgs"}}, nil
		}
		return []Task{{Key: "census.due", Count: n, Overdue: late, Link: "/census"}}, nil
	}
}
