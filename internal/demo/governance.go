package demo

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"linli/internal/geo"
	"linli/internal/governance"
	"linli/internal/platform/db"
	"linli/internal/registry"
)

// The demonstration's governance (C18–C19): for the active organizations of
// the demonstration street and every fifth one elsewhere (a few hundred),
// a charter from the model text (most adopted, some amended since, some
// still a draft with clauses missing), officers elected in 2019–2022 (terms
// of three years, so the earliest are overdue), a major decision or two;
// quarterly, half-yearly or yearly reporting cycles in their communities
// from 2022, and the reports of 2022–2023: most on time, some late, some
// returned for more, some never sent. Written in one transaction with
// multi-row inserts, so it loads in well under a second; the figures are
// the activities the demonstration recorded (money figures are left at 0).
var demoOfficers = []string{"陈淑芬", "黄国华", "李美玲", "张志强", "刘桂英", "王建平", "杨丽华", "吴国强", "周秀珍", "徐海涛"}

var demoDecisions = []struct{ title, kind string }{
	{"举办社区邻里文化节", "activity"}, {"购置活动音响设备", "finance"}, {"增补理事一名", "personnel"},
	{"与社区养老服务站合作开展助老服务", "cooperation"}, {"调整活动场地和时间", "other"},
}

var demoClauses = map[string]string{
	"负责人产生程序和任期": "负责人和理事由成员大会选举产生，每届任期三年，可连选连任",
	"议事规则":       "成员大会须有过半数成员出席方能召开，一般事项经到会成员过半数同意，修改章程和重大事项经到会成员三分之二以上同意",
	"资金管理和使用":    "本会资金由街道社区社会组织服务中心代管，支出经负责人审批，专款专用，不在成员中分配",
	"信息公开":       "每半年向成员和社区居民委员会公开一次活动和收支情况",
}

func governanceDemo(ctx context.Context, d *db.DB, st *geo.Store, plans []*planned, now time.Time, seed int64) error {
	r := newRand(seed + 19)
	today := governance.Day(now)
	var orgs []*planned
	n := 0
	for _, o := range plans {
		if o.final != registry.StatusActive || o.id == 0 {
			continue
		}
		n++
		if o.street == demoStreet || n%5 == 0 {
			orgs = append(orgs, o)
		}
	}
	codes := []string{}
	for _, o := range orgs {
		codes = append(codes, o.in.CommunityCode, o.street, o.district)
	}
	names, err := st.Names(ctx, codes)
	if err != nil {
		return fmt.Errorf("demo: governance names: %w", err)
	}
	figs := orgMonths{}
	var charters, elections, candidates, decisions, cycles, reports [][]any
	ts := now.UTC().Truncate(time.Microsecond)
	cycleOf := map[string]string{}
	electionID := int64(0)
	if err := d.Read.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM elections`).Scan(&electionID); err != nil {
		return fmt.Errorf("demo: governance: %w", err)
	}
	for i, o := range orgs {
		rec := governance.Record{Name: o.in.Name, Community: names[o.in.CommunityCode], Street: names[o.street],
			District: names[o.district], Address: o.in.Address, PartyOrg: names[o.in.CommunityCode] + "党组织"}
		for _, t := range o.in.Types {
			rec.Types = append(rec.Types, registry.Messages["type."+t]["zh-CN"])
		}
		for _, g := range o.in.TargetGroups {
			rec.Groups = append(rec.Groups, registry.Messages["group."+g]["zh-CN"])
		}
		model := governance.ModelCharter(rec)
		full := governance.FillBlanks(model, func(l string) string { return demoClauses[l] })
		members := max(o.in.Members, 10)
		present := members*3/4 + 1
		meet := func(y int) string {
			if s := time.Date(y, time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC).Format(time.DateOnly); s < today {
				return s
			}
			return today
		}
		switch roll := r.IntN(10); {
		case roll < 2: // a draft, clauses still missing
			charters = append(charters, charterRow(o.id, 1, model, governance.CharterDraft, "", 0, 0, ts))
		case roll < 4: // adopted, then amended
			amended := append([]governance.Chapter(nil), full...)
			amended[1].Text += "\n第七条之一　本会可以与辖区学校、企业合作开展志愿服务。"
			charters = append(charters, charterRow(o.id, 1, full, governance.CharterSuperseded, meet(2021), present, present, ts),
				charterRow(o.id, 2, amended, governance.CharterAdopted, meet(2023), present, present-1, ts))
		default:
			charters = append(charters, charterRow(o.id, 1, full, governance.CharterAdopted, meet(2022), present, present-r.IntN(3), ts))
		}
		if i%3 != 2 {
			held := meet(2019 + r.IntN(4))
			electionID++
			elections = append(elections, []any{electionID, o.id, held, present, 3, governance.TermEnd(held, 3), "", o.in.CommunityCode, ts})
			for k := 0; k < 3; k++ {
				post := []string{"leader", "director", "director"}[k]
				candidates = append(candidates, []any{electionID, demoOfficers[(i+k)%len(demoOfficers)], post, present - k - r.IntN(2), 1})
			}
			candidates = append(candidates, []any{electionID, demoOfficers[(i+5)%len(demoOfficers)], "director", present / 3, 0})
		}
		if i%2 == 0 {
			dc := demoDecisions[i%len(demoDecisions)]
			yes := present - r.IntN(present/3+1)
			decisions = append(decisions, []any{o.id, meet(2022 + r.IntN(2)), dc.title, dc.kind, members, members/2 + 1, present,
				yes, present - yes, 0, governance.TwoThirds(yes, present), ts})
		}
		c := o.in.CommunityCode
		if _, ok := cycleOf[c]; !ok && (o.street == demoStreet || i%2 == 0) {
			cycleOf[c] = governance.Cycles[len(cycleOf)%3]
			cycles = append(cycles, []any{c, cycleOf[c], "2022-01-01", ts})
		}
	}
	// reports, for the organizations of communities with a cycle
	for _, o := range orgs {
		cyc, ok := cycleOf[o.in.CommunityCode]
		if !ok {
			continue
		}
		if err := figs.read(ctx, d.Read, o.id); err != nil {
			return err
		}
		for _, y := range []int{2022, 2023} {
			for _, p := range governance.PeriodsOfYear(cyc, y) {
				if p.End >= today {
					continue
				}
				roll := r.IntN(20)
				if roll < 2 {
					continue // never sent
				}
				due, _ := time.Parse(time.DateOnly, p.DueOn)
				first := due.AddDate(0, 0, -1-r.IntN(14))
				if roll < 5 {
					first = due.AddDate(0, 0, 3+r.IntN(30)) // late
				}
				firstOn := first.Format(time.DateOnly)
				if firstOn > today {
					firstOn = today
				}
				status, comment, subs := governance.ReportReceived, "收悉，感谢。", 1
				switch {
				case roll == 5:
					status, comment = governance.ReportReturned, "请补充活动照片和参与居民的反馈。"
				case roll == 6:
					status, comment, subs = governance.ReportReceived, "补充材料已收悉。", 2
				case roll == 7 && y == 2023:
					status, comment = governance.ReportSubmitted, ""
				}
				f := figs.sum(o.id, p.Start, p.End)
				body := fmt.Sprintf("%s期间，本会开展活动 %d 场，参与居民 %d 人次。", p.Key, f.Activities, f.Participants)
				reports = append(reports, []any{o.id, p.Key, p.Start, p.End, p.DueOn, o.in.CommunityCode, o.street, o.district,
					f.Activities, f.Participants, f.Beneficiaries, f.VolunteerMinutes, body, status, comment, firstOn, firstOn, subs, ts, ts})
			}
		}
	}
	return d.Tx(ctx, func(tx *sql.Tx) error {
		for _, b := range []struct {
			head string
			rows [][]any
		}{
			{"charters (org_id, version, chapters, status, meeting_on, present, votes_for, created_at, updated_at)", charters},
			{"elections (id, org_id, held_on, present, term_years, term_ends_on, note, community_code, created_at)", elections},
			{"election_candidates (election_id, name, post, votes, elected)", candidates},
			{"decisions (org_id, meeting_on, title, kind, members, quorum, present, votes_for, votes_against, votes_abstain, passed, created_at)", decisions},
			{"report_cycles (community_code, cycle, effective_on, updated_at)", cycles},
			{"work_reports (org_id, period, period_start, period_end, due_on, community_code, street_code, district_code, activities, " +
				"participants, beneficiaries, volunteer_minutes, body, status, comment, first_submitted_on, submitted_on, submissions, created_at, updated_at)", reports},
		} {
			if err := bulkInsert(ctx, tx, b.head, b.rows); err != nil {
				return err
			}
		}
		if d.Engine == db.Postgres && electionID > 0 {
			if _, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('elections', 'id'), (SELECT MAX(id) FROM elections))`); err != nil {
				return fmt.Errorf("demo: elections sequence: %w", err)
			}
		}
		return nil
	})
}

func charterRow(org int64, version int, chs []governance.Chapter, status, on string, present, yes int, ts time.Time) []any {
	b, _ := json.Marshal(chs)
	return []any{org, version, string(b), status, on, present, yes, ts, ts}
}

// bulkInsert writes rows a hundred at a time.
func bulkInsert(ctx context.Context, tx *sql.Tx, head string, rows [][]any) error {
	for len(rows) > 0 {
		n := min(len(rows), 100)
		args := make([]any, 0, n*len(rows[0]))
		for _, row := range rows[:n] {
			for _, v := range row {
				if b, ok := v.(bool); ok {
					v = db.BoolInt(b)
				}
				args = append(args, v)
			}
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO "+head+" VALUES "+db.Values(nil, n, len(rows[0])), args...); err != nil {
			return fmt.Errorf("demo: governance insert %s: %w", head[:strings.Index(head, " ")], err)
		}
		rows = rows[n:]
	}
	return nil
}

// orgMonths holds the demonstration's activity figures by organization and month.
type orgMonths map[int64]map[string]governance.Figures

// read adds an organization's activity figures of 2022–2023 by month.
func (m orgMonths) read(ctx context.Context, q db.Querier, org int64) error {
	rows, err := q.QueryContext(ctx, `SELECT substr(starts_on, 1, 7), COUNT(*), COALESCE(SUM(participants), 0),
		COALESCE(SUM(beneficiaries), 0), COALESCE(SUM(volunteer_minutes), 0) FROM activities
		WHERE org_id = $1 AND starts_on >= '2022-01-01' AND starts_on <= '2023-12-31' AND status <> 'refused'
		GROUP BY substr(starts_on, 1, 7)`, org)
	if err != nil {
		return fmt.Errorf("demo: governance figures: %w", err)
	}
	defer rows.Close()
	m[org] = map[string]governance.Figures{}
	for rows.Next() {
		var month string
		var f governance.Figures
		if err := rows.Scan(&month, &f.Activities, &f.Participants, &f.Beneficiaries, &f.VolunteerMinutes); err != nil {
			return err
		}
		m[org][month] = f
	}
	return rows.Err()
}

func (m orgMonths) sum(org int64, from, to string) governance.Figures {
	var f governance.Figures
	for month, x := range m[org] {
		if month >= from[:7] && month <= to[:7] {
			f.Activities += x.Activities
			f.Participants += x.Participants
			f.Beneficiaries += x.Beneficiaries
			f.VolunteerMinutes += x.VolunteerMinutes
		}
	}
	return f
}
