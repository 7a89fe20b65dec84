package pushtest_test

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/ovsync/ovsync/push"
	"github.com/ovsync/ovsync/push/pushtest"
)

// A client test against the fake: the first attempt gets a 503, the retry
// goes through, and the history holds the one sync.
func ExampleNewServer() {
	srv := pushtest.NewServer(pushtest.Options{Key: "rehearsal", Fail: 1})
	defer srv.Close()

	body := `{"settings":{"syncManagerEmail":"","inviteNewUsers":false},
		"users":[{"id":"1001","email":"ana@example.com","firstName":"Ana","lastName":"Silva"}],
		"groups":[{"id":"T-RND","name":"R&D"}],
		"mappings":[{"groupId":"T-RND","userId":"1001","subGroupId":"","isMember":true,"isManager":true}]}`
	for range 2 {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+push.SyncPath, strings.NewReader(body))
		req.Header.Set(push.AuthorizationHeader, push.BearerPrefix+"rehearsal")
		req.Header.Set("Content-Type", push.ContentType)
		resp, err := srv.Client().Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		resp.Body.Close()
		fmt.Println(resp.Status)
	}
	for _, s := range srv.History() {
		fmt.Println(s.Protocol, s.Status, s.Users, s.Groups, s.Mappings)
	}
	fmt.Println("requests:", srv.Requests())
	// Output:
	// 503 Service Unavailable
	// 200 OK
	// legacy Success 1 1 1
	// requests: 2
}
