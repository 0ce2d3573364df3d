package demo

import (
	"testing"

	"linli/internal/activity"
	"linli/internal/platform/db"
)

// checkActivities: two believable years of activities for every theme,
// with volunteer hours, consultations and major reports of every outcome.
func checkActivities(t *testing.T, d *db.DB) {
	t.Helper()
	for _, theme := range activity.Themes {
		for _, year := range []string{"2022", "2023"} {
			var n int
			if err := d.Read.QueryRow(`SELECT COUNT(*) FROM activities WHERE theme = $1 AND substr(starts_on, 1, 4) = $2`, theme, year).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				t.Errorf("no %s activities in %s", theme, year)
			}
		}
	}
	var districts, hours, consultations, total int
	q := func(sql string, dst *int) {
		if err := d.Read.QueryRow(sql).Scan(dst); err != nil {
			t.Fatal(err)
		}
	}
	q(`SELECT COUNT(DISTINCT district_code) FROM activities`, &districts)
	q(`SELECT COALESCE(SUM(minutes), 0) FROM volunteer_hours`, &hours)
	q(`SELECT COUNT(*) FROM consultations`, &consultations)
	q(`SELECT COUNT(*) FROM activities`, &total)
	t.Logf("%d activities in %d districts, %d volunteer hours, %d consultations", total, districts, hours/60, consultations)
	if districts != 11 || hours == 0 || consultations == 0 {
		t.Errorf("%d districts, %d minutes, %d consultations", districts, hours, consultations)
	}
	for _, st := range []string{activity.ReportAcknowledged, activity.ReportRefused, activity.ReportPending} {
		var n int
		if err := d.Read.QueryRow(`SELECT COUNT(*) FROM major_reports WHERE status = $1`, st).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			t.Errorf("no %s major reports", st)
		}
	}
	var unreported int
	q(`SELECT COUNT(*) FROM activities a WHERE a.major = 1 AND NOT EXISTS (SELECT 1 FROM major_reports r WHERE r.activity_id = a.id)`, &unreported)
	if unreported == 0 {
		t.Error("no unreported major activity")
	}
}
