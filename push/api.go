package push

// This file is the single place for the wire protocol of the two sync APIs:
// the legacy Officevibe sync (Enterprise Sync Tool) and its successor,
// Workleap API provisioning. Every path, header, field name and answer shape
// lives here so that a correction is a one-line change. The facts come from
// the project's FORMAT.md ("The sync API (as public clients use it)" and "The
// successor: Workleap API provisioning"); where FORMAT.md marks a fact as
// unconfirmed, the doc comment here says so too.

// Legacy Officevibe sync API. FORMAT.md: the paths come from public client
// code, not from Officevibe's documentation, so they are unconfirmed.
const (
	// ProductionURL is the ApiUrl of the production service (FORMAT.md, config.json).
	ProductionURL = "https://app.officevibe.com"
	// SandboxURL is the ApiUrl of the sandbox service (FORMAT.md, config.json).
	SandboxURL = "https://sandbox.officevibe.com"

	// SyncPath is the path, under ApiUrl, of the full-overwrite sync: one
	// POST of the whole organisation (FORMAT.md; unconfirmed, from public
	// client code).
	SyncPath = "/api/v2/sync"
	// PingPath is the path, under ApiUrl, of the cheap key check answered
	// with a [PingResponse] (FORMAT.md; unconfirmed, from public client code).
	PingPath = "/api/v2/ping"

	// AuthorizationHeader carries the legacy API key as
	// "Authorization: Bearer {ApiKey}" (FORMAT.md).
	AuthorizationHeader = "Authorization"
	// BearerPrefix starts the value of [AuthorizationHeader], before the key.
	BearerPrefix = "Bearer "
)

// Workleap API provisioning, the successor. FORMAT.md: the host and header
// come from Workleap's help pages; the URL path and the asynchronous answer
// come from a third-party API catalogue and are unconfirmed.
const (
	// ProvisioningURL is the URL of the successor's JSON provisioning
	// endpoint (FORMAT.md; unconfirmed, from a third-party API catalogue).
	// A provisioning push goes there unless --url says otherwise.
	ProvisioningURL = "https://" + ProvisioningHost + ProvisioningPath
	// ProvisioningHost is the host of Workleap API provisioning, port 443
	// (FORMAT.md, from Workleap's help pages): the one host, with loopback
	// addresses, that a provisioning URL may name without --allow-host.
	ProvisioningHost = "api.workleap.com"
	// ProvisioningPath is the path of [ProvisioningURL] (unconfirmed).
	ProvisioningPath = "/public/provisioning/json"

	// SubscriptionKeyHeader carries the successor's key, the whole header
	// value being the key (FORMAT.md, from Workleap's help pages).
	SubscriptionKeyHeader = "workleap-subscription-key"
)

// ContentType is the media type of every request body and JSON answer
// (FORMAT.md: "Content-Type: application/json").
const ContentType = "application/json"

// Top-level keys of the legacy sync body (FORMAT.md, the body
// -DumpFormattedRequest writes). The body has exactly these four keys.
const (
	// LegacySettings holds a [Settings] object.
	LegacySettings = "settings"
	// LegacyUsers holds the array of user objects, one per users.csv row.
	LegacyUsers = "users"
	// LegacyGroups holds the array of [Group] objects.
	LegacyGroups = "groups"
	// LegacyMappings holds the array of [Mapping] objects.
	LegacyMappings = "mappings"
)

// Top-level keys of the successor's body (FORMAT.md, "JSON form"). The
// successor has no settings block: a body that includes [LegacySettings]
// gets an error answer (FORMAT.md), and invitations are Workleap's
// "Automatic Invite" setting instead.
const (
	// ProvisioningMembers holds the array of member objects, one per
	// members.csv row.
	ProvisioningMembers = "members"
	// ProvisioningTeams holds the array of [Team] objects.
	ProvisioningTeams = "teams"
	// ProvisioningTeamMappings holds the array of [TeamMapping] objects.
	ProvisioningTeamMappings = "teamMappings"
)

// Standard keys of a legacy user object (FORMAT.md, users.csv columns). Any
// other key of a user object is a custom property named as in the CSV
// header. Every value, custom ones included, is a JSON string kept as
// written in the CSV file.
const (
	// UserID is the user's stable id; required, never empty.
	UserID = "id"
	// UserEmail is Officevibe's key for a member; required, never empty.
	UserEmail = "email"
	// UserFirstName goes with [UserLastName]: the app refuses one without
	// the other.
	UserFirstName = "firstName"
	// UserLastName is the user's last name.
	UserLastName = "lastName"
	// UserJobTitle is the user's job title.
	UserJobTitle = "jobTitle"
	// UserImageURL is the URL of the user's picture.
	UserImageURL = "imageUrl"
	// UserLanguage is one of English, Français, Español, Português,
	// Deutsche (Officevibe's spelling).
	UserLanguage = "language"
)

// Keys of a successor member object that differ from the legacy user keys
// (FORMAT.md, the rename table). Email, names, job title, image and custom
// properties keep their legacy keys ([UserEmail], [UserFirstName], …).
const (
	// MemberID replaces [UserID]; required.
	MemberID = "externalMemberId"
	// MemberLanguage replaces [UserLanguage]; it holds language codes (en,
	// fr, es, pt, de) instead of names. Sent as a string as written in the
	// CSV file; whether the service wants a list is unconfirmed.
	MemberLanguage = "languagePreferences"
	// MemberProducts is new in the successor; empty means Officevibe.
	// Sent as a string as written (unconfirmed, like [MemberLanguage]).
	MemberProducts = "productAssignations"
)

// Settings is the "settings" block of the legacy body (FORMAT.md). Both
// keys are always sent. Workleap's later help pages call the first one
// "syncAdmin"; the public client code FORMAT.md quotes sends
// "syncManagerEmail", which is what this type writes.
type Settings struct {
	// SyncManagerEmail receives Officevibe's notice when a sync fails; it may
	// be empty.
	SyncManagerEmail string `json:"syncManagerEmail"`
	// InviteNewUsers sends an invitation to every member the sync creates.
	InviteNewUsers bool `json:"inviteNewUsers"`
}

// Group is one element of the legacy "groups" array (FORMAT.md).
type Group struct {
	// ID is the team's stable id; a team can be renamed without consequence.
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Mapping is one element of the legacy "mappings" array (FORMAT.md): a
// user (UserID) or a sub-team (SubGroupID) put into the team GroupID; the
// other one of the two is sent as "". The booleans are JSON booleans.
type Mapping struct {
	GroupID    string `json:"groupId"`
	UserID     string `json:"userId"`
	SubGroupID string `json:"subGroupId"`
	IsMember   bool   `json:"isMember"`
	IsManager  bool   `json:"isManager"`
}

// Team is one element of the successor's "teams" array (FORMAT.md, the
// rename table: id → externalTeamId, name → teamName).
type Team struct {
	ExternalTeamID string `json:"externalTeamId"`
	TeamName       string `json:"teamName"`
}

// TeamMapping is one element of the successor's "teamMappings" array
// (FORMAT.md: groupId, userId, subGroupId → externalTeamId,
// externalMemberId, externalSubteamId; isMember and isManager unchanged).
type TeamMapping struct {
	ExternalTeamID    string `json:"externalTeamId"`
	ExternalMemberID  string `json:"externalMemberId"`
	ExternalSubteamID string `json:"externalSubteamId"`
	IsMember          bool   `json:"isMember"`
	IsManager         bool   `json:"isManager"`
}

// SyncResponse is the legacy answer to a POST of [SyncPath] (FORMAT.md:
// {"isSuccess": true|false, "errors": ["..."]}). A wrong key gets no JSON
// at all but the service's HTML login page, with status 200 (FORMAT.md).
// Errors may be non-empty with IsSuccess true when the sync ended with the
// app's Warning status; that the service answers a Warning this way is
// unconfirmed (the fake in pushtest does).
type SyncResponse struct {
	IsSuccess bool     `json:"isSuccess"`
	Errors    []string `json:"errors"`
}

// PingResponse is the legacy answer to a GET of [PingPath] (FORMAT.md:
// {"isSuccess": ..., "errorMessage": "..."}). A wrong key gets the HTML
// login page, as for a sync.
type PingResponse struct {
	IsSuccess    bool   `json:"isSuccess"`
	ErrorMessage string `json:"errorMessage"`
}

// Status values of a [JobResponse]. The first four are those FORMAT.md
// quotes from a third-party API catalogue (unconfirmed).
const (
	// JobScheduled means the sync is accepted and waits to run.
	JobScheduled = "scheduled"
	// JobProcessing means the sync is running.
	JobProcessing = "processing"
	// JobCompleted means the sync ran.
	JobCompleted = "completed"
	// JobFailed means the sync failed.
	JobFailed = "failed"

	// JobPendingApproval is the status of a sync paused by Workleap's risk
	// thresholds until an administrator approves it. FORMAT.md documents
	// the pause but not how an answer says so: this value, and its coming
	// in a 202 [JobResponse] with a Message, are invented and unconfirmed.
	JobPendingApproval = "pendingApproval"
)

// JobResponse is the successor's answer to a POST of [ProvisioningURL]:
// status 202 with {"jobId": "…", "status": "…", "scheduledAt": "…"}, the
// sync running later (FORMAT.md; unconfirmed, from a third-party API
// catalogue). Status is one of the Job* constants; a client must show any
// other value as it is rather than guess. Message is not in FORMAT.md: the
// fake fills it when the sync waits for approval (unconfirmed).
type JobResponse struct {
	JobID       string `json:"jobId"`
	Status      string `json:"status"`
	ScheduledAt string `json:"scheduledAt"`
	Message     string `json:"message,omitempty"`
}

// ErrorResponse is the successor's answer to a payload it refuses, such as
// one with a settings block, with a 4xx status. FORMAT.md only says such a
// payload "gets an error response": this shape, modelled on the RFC 9457
// problem details ASP.NET services write, is invented and unconfirmed.
type ErrorResponse struct {
	Title  string   `json:"title"`
	Status int      `json:"status"`
	Errors []string `json:"errors"`
	// Detail is RFC 9457's explanation, which the fake leaves out. A
	// client also reads "errors" in ASP.NET's shape, an object of arrays
	// of messages by field.
	Detail string `json:"detail,omitempty"`
}

// AccessDeniedResponse is the successor's answer, with status 401, to a
// missing or wrong [SubscriptionKeyHeader]. The header name suggests an
// Azure API Management gateway, whose answer has this shape; that the
// service answers so is unconfirmed.
type AccessDeniedResponse struct {
	StatusCode int    `json:"statusCode"`
	Message    string `json:"message"`
}
