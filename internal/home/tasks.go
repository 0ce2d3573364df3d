package home

import (
	"context"
	"fmt"

	"linli/internal/census"
	"linli/internal/platform/auth"
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

// Count is how a room tells one kind of work waiting: how many, and the
// link to the list behind it ("" when the user has none of that kind to do
// at all).
type Count func(ctx context.Context, u *auth.User) (n int, link string, err error)

// keyed is a task's key and the room's count behind it.
type keyed struct {
	key   string
	count Count
}

// counted makes tasks of the rooms' counts; the rooms decide, by their own
// rules, who has what waiting.
func counted(what string, counts ...keyed) Source {
	return func(ctx context.Context, u *auth.User) ([]Task, error) {
		var out []Task
		for _, c := range counts {
			n, link, err := c.count(ctx, u)
			if err != nil {
				return nil, fmt.Errorf("tasks: %s: %w", what, err)
			}
			if link != "" {
				out = append(out, Task{Key: c.key, Count: n, Link: link})
			}
		}
		return out, nil
	}
}

// Orgs is what the registry tells the board.
type Orgs interface {
	PendingForDecision(ctx context.Context, u *auth.User) (int, string, error)
	ReturnedToFiler(ctx context.Context, u *auth.User) (int, string, error)
}

// OrgTasks: filings waiting for the officer's decision (the registry's
// approval rule); for a leader, a filing returned for changes.
func OrgTasks(orgs Orgs) Source {
	return counted("filings", keyed{"orgs.pending", orgs.PendingForDecision}, keyed{"orgs.returned", orgs.ReturnedToFiler})
}

// Expenses is what the custody ledger tells the board.
type Expenses interface {
	ExpensesAwaiting(ctx context.Context, u *auth.User) (int, string, error)
	ExpensesReturned(ctx context.Context, u *auth.User) (int, string, error)
}

// ExpenseTasks: a hub's staff decide on the expenses its organizations
// submit; a leader resubmits the ones returned (the ledger's rules).
func ExpenseTasks(led Expenses) Source {
	return counted("expenses", keyed{"expenses.pending", led.ExpensesAwaiting}, keyed{"expenses.returned", led.ExpensesReturned})
}

// Reports is what the major-activity reports' tasks read.
type Reports interface {
	AwaitingDecision(ctx context.Context, u *auth.User) (int, error)
}

// ReportTasks: major-activity reports waiting for the acknowledging level
// (the activity room's rule: none for a user who decides none).
func ReportTasks(acts Reports) Source {
	return func(ctx context.Context, u *auth.User) ([]Task, error) {
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
		if census.ChecksBeforeStreet(u) {
			return []Task{{Key: "census.check", Count: n, Overdue: late, Link: "/orgs"}}, nil
		}
		return []Task{{Key: "census.due", Count: n, Overdue: late, Link: "/census"}}, nil
	}
}
