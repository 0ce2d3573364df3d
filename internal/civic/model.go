// Package civic is the residents' half of the portal (issue 17, C16 and
// C23): resident accounts and what they do (follow organizations, sign up
// for activities, rate an organization they took part with), the
// recognition surveys (感知度和认可度) and the typical cases (典型案例) and
// experience write-ups (经验总结) that the street and district approve.
package civic

import "time"

// SignUp is POST /api/v1/residents: a new resident account.
type SignUp struct {
	Username      string `json:"username"`
	Password      string `json:"password"`
	CommunityCode string `json:"community_code"`
	// Phone is optional; kept only as a keyed hash and its last four digits.
	Phone string `json:"phone,omitempty"`
	// DisplayName is optional (default the username); shown to no one else.
	DisplayName string `json:"display_name,omitempty"`
}

// Resident is a resident's own profile (never shown to anyone else).
type Resident struct {
	ID            int64  `json:"id"`
	Username      string `json:"username"`
	CommunityCode string `json:"community_code"`
	CommunityName string `json:"community_name,omitempty"`
	PhoneLast4    string `json:"phone_last4,omitempty"`
}

// RatingInput is POST /api/v1/orgs/{id}/ratings.
type RatingInput struct {
	Stars   int    `json:"stars"`
	Comment string `json:"comment"`
}

// Comment statuses: none, waiting for the community committee, published, rejected.
const (
	CommentNone      = ""
	CommentPending   = "pending"
	CommentPublished = "published"
	CommentRejected  = "rejected"
)

// Rating is a stored rating; the resident is never named.
type Rating struct {
	ID            int64     `json:"id"`
	OrgID         int64     `json:"org_id"`
	OrgName       string    `json:"org_name,omitempty"`
	Year          string    `json:"year"`
	Stars         int       `json:"stars"`
	Comment       string    `json:"comment,omitempty"`
	CommentStatus string    `json:"comment_status"`
	CommunityCode string    `json:"community_code"`
	Answer        string    `json:"answer,omitempty"`
	EffectiveOn   string    `json:"effective_on"`
	CreatedAt     time.Time `json:"created_at"`

	userID       int64
	districtCode string
}

// Moderation is a committee's decision on a comment.
type Moderation struct {
	Decision string `json:"decision"` // publish | reject
}

// Answer is an organization's answer to a rating.
type Answer struct {
	Answer string `json:"answer"`
}

// RatingSummary is what the public sees of an organization's ratings: the
// count and mean of the stars, and the published comments with answers.
type RatingSummary struct {
	OrgID    int64           `json:"org_id"`
	Count    int             `json:"count"`
	Average  float64         `json:"average"`
	Comments []PublicComment `json:"comments"`
}

// PublicComment is a published comment, without its author.
type PublicComment struct {
	Stars   int    `json:"stars"`
	Comment string `json:"comment"`
	Answer  string `json:"answer,omitempty"`
	Year    string `json:"year"`
}

// SignupSettings opens or closes an activity to residents' sign-ups.
type SignupSettings struct {
	AcceptsSignups bool `json:"accepts_signups"`
	Capacity       int  `json:"capacity"` // 0: no limit
}

// Question is one question of a survey instrument: its key, its text in
// both languages, its scale, and which reading it gives (awareness,
// participation, satisfaction, or none).
type Question struct {
	Key     string `json:"key"`
	TextZH  string `json:"text_zh"`
	TextEN  string `json:"text_en"`
	Scale   string `json:"scale"`             // yes_no | stars5 | text | choice
	Reading string `json:"reading,omitempty"` // awareness | participation | satisfaction
	// Options are a choice question's own answers (2 to 10, each with a
	// label); an answer names one by its number, "1" for the first.
	Options []Choice `json:"options,omitempty"`
}

// Choice is one answer a choice question offers.
type Choice struct {
	Label string `json:"label"`
}

// Scales and readings. A choice question gives no reading: the three
// readings keep their fixed scales.
var (
	Scales   = []string{"yes_no", "stars5", "text", ScaleChoice}
	Readings = []string{"awareness", "participation", "satisfaction"}
)

// ScaleChoice is the scale of a question with its own options.
const ScaleChoice = "choice"

// Limits of a choice question's options.
const (
	minChoices   = 2
	maxChoices   = 10
	maxChoiceLen = 100
)

// SurveyInput is POST /api/v1/surveys.
type SurveyInput struct {
	Title     string     `json:"title"`
	UnitCode  string     `json:"unit_code"`
	OpensOn   string     `json:"opens_on"`
	ClosesOn  string     `json:"closes_on"`
	Questions []Question `json:"questions"` // empty: DefaultQuestions
}

// Survey is a stored survey; Answered is set for a resident who answered.
type Survey struct {
	ID        int64      `json:"id"`
	Title     string     `json:"title"`
	UnitCode  string     `json:"unit_code"`
	UnitName  string     `json:"unit_name,omitempty"`
	OpensOn   string     `json:"opens_on"`
	ClosesOn  string     `json:"closes_on"`
	Questions []Question `json:"questions"`
	Answered  bool       `json:"answered"`
	Answers   int        `json:"answers"`
	// PublishedAt is when the owner published the results on the portal (nil: not published).
	PublishedAt *time.Time `json:"published_at,omitempty"`
}

// OptionCount is how many chose one answer of a question, and their share
// of those who answered it.
type OptionCount struct {
	Value string  `json:"value"`           // yes | no | 1..5 | a choice's number
	Label string  `json:"label,omitempty"` // a choice's label
	Count int     `json:"count"`
	Share float64 `json:"share"`
}

// QuestionResult is one question's tally (free text: only how many answered).
type QuestionResult struct {
	Key      string        `json:"key"`
	TextZH   string        `json:"text_zh"`
	TextEN   string        `json:"text_en"`
	Scale    string        `json:"scale"`
	Reading  string        `json:"reading,omitempty"`
	Answered int           `json:"answered"`
	Options  []OptionCount `json:"options"`
	Mean     float64       `json:"mean,omitempty"`
}

// PublicationInput is POST /api/v1/surveys/{id}/publication.
type PublicationInput struct {
	Published bool `json:"published"`
}

// AnswerInput is POST /api/v1/surveys/{id}/answers: the answers by
// question key ("yes"/"no", "1".."5", or text).
type AnswerInput struct {
	Answers map[string]string `json:"answers"`
}

// PlaceResult is a survey's readings for one place.
type PlaceResult struct {
	Code          string  `json:"code"`
	Name          string  `json:"name"`
	Answers       int     `json:"answers"`
	Aware         int     `json:"aware"`
	Awareness     float64 `json:"awareness"`
	TookPart      int     `json:"took_part"`
	Participation float64 `json:"participation"`
	Satisfied     int     `json:"satisfaction_answers"`
	Satisfaction  float64 `json:"satisfaction"`
	Ratings       int     `json:"ratings"`
	RatingAverage float64 `json:"rating_average"`
}

// Results are a survey's readings, for the whole unit and by place below it.
type Results struct {
	SurveyID int64   `json:"survey_id"`
	Survey   *Survey `json:"survey"`
	// Questions are the tallies question by question.
	Questions []QuestionResult `json:"questions"`
	// CanPublish: the reader may publish or withdraw them (pages).
	CanPublish bool `json:"-"`
	// CanEdit: the reader may change the survey (its form).
	CanEdit bool          `json:"-"`
	Total   PlaceResult   `json:"total"`
	Places  []PlaceResult `json:"places"`
}

// Case kinds and statuses.
const (
	KindCase       = "case"
	KindExperience = "experience"

	CaseDraft     = "draft"
	CaseStreet    = "street"   // waiting for the street
	CaseDistrict  = "district" // waiting for the district
	CasePublished = "published"
)

// Kinds of write-up.
var Kinds = []string{KindCase, KindExperience}

// CaseInput is POST /api/v1/cases.
type CaseInput struct {
	Kind        string   `json:"kind"`
	Title       string   `json:"title"`
	Story       string   `json:"story"`
	UnitCode    string   `json:"unit_code"` // a street or community; default the author's
	Themes      []string `json:"themes"`
	ActivityIDs []int64  `json:"activity_ids"`
	ProjectIDs  []int64  `json:"project_ids"`
}

// Outcome is a figure drawn from linli's own records.
type Outcome struct {
	Key   string `json:"key"` // activities | participants | beneficiaries | volunteer_hours | projects | award_fen
	Value int64  `json:"value"`
	Text  string `json:"-"` // as shown: yuan for award_fen
}

// Case is a stored typical case or experience write-up.
type Case struct {
	ID           int64     `json:"id"`
	Kind         string    `json:"kind"`
	Title        string    `json:"title"`
	Story        string    `json:"story"`
	UnitCode     string    `json:"unit_code"`
	UnitName     string    `json:"unit_name,omitempty"`
	StreetCode   string    `json:"street_code"`
	DistrictCode string    `json:"district_code"`
	OrgID        int64     `json:"org_id,omitempty"`
	OrgName      string    `json:"org_name,omitempty"`
	Themes       []string  `json:"themes"`
	ActivityIDs  []int64   `json:"activity_ids"`
	ProjectIDs   []int64   `json:"project_ids"`
	Outcomes     []Outcome `json:"outcomes"`
	Status       string    `json:"status"`
	Featured     bool      `json:"featured"`
	PublishedOn  string    `json:"published_on,omitempty"`
	Photos       []int64   `json:"photos"`
	CreatedAt    time.Time `json:"created_at"`
	// Paragraphs and Summary are the story as pages show it.
	Paragraphs []string `json:"-"`
	Summary    string   `json:"-"`

	createdBy int64
}

// Decision is POST /api/v1/cases/{id}/decision.
type Decision struct {
	Decision string `json:"decision"` // submit | approve | return | feature | unfeature
	Reason   string `json:"reason"`
}

// Decisions a case may receive.
var Decisions = []string{"submit", "approve", "return", "feature", "unfeature"}

// Digest is a district's month: new organizations, activities, cases.
type Digest struct {
	Code       string       `json:"code"`
	Name       string       `json:"name"`
	Month      string       `json:"month"`
	Orgs       []DigestItem `json:"orgs"`
	Activities []DigestItem `json:"activities"`
	Cases      []*Case      `json:"cases"`
}

// DigestItem is one line of a digest.
type DigestItem struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Place string `json:"place"`
	Day   string `json:"day"`
}

// OrgLine is an organization in a resident's lists.
type OrgLine struct {
	ID            int64  `json:"id"`
	Name          string `json:"name"`
	CommunityCode string `json:"community_code"`
	Followed      bool   `json:"followed,omitempty"`
}

// ActivityLine is an activity in a resident's lists.
type ActivityLine struct {
	ID       int64     `json:"id"`
	Title    string    `json:"title"`
	StartsAt time.Time `json:"starts_at"`
	Address  string    `json:"address"`
	Capacity int       `json:"capacity,omitempty"`
	Signed   int       `json:"signed_up,omitempty"`
	Mine     bool      `json:"mine"`
	Past     bool      `json:"past,omitempty"`
	OrgID    int64     `json:"org_id,omitempty"`
	OrgName  string    `json:"org_name,omitempty"`
}
