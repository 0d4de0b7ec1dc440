package simulator

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// templateRecord is one entry of GET /{waba_id}/message_templates.
type templateRecord struct {
	Name     string `json:"name"`
	Language string `json:"language"`
	Status   string `json:"status"`
	Category string `json:"category"`
	ID       string `json:"id"`
}

// handleTemplates serves GET /{version}/{waba_id}/message_templates like the
// Graph API: a page of the account's templates with cursor paging.
func (s *Simulator) handleTemplates(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(r) {
		unauthorized(w)
		return
	}
	if r.PathValue("waba_id") != s.cfg.WABAID {
		unsupportedRequest(w, r.Method, r.PathValue("waba_id"))
		return
	}
	s.mu.Lock()
	all := make([]templateRecord, 0, len(s.templates))
	for name, cat := range s.templates {
		all = append(all, templateRecord{Name: name, Language: "pt_BR", Status: "APPROVED", Category: strings.ToUpper(string(cat))})
	}
	s.mu.Unlock()
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	for i := range all {
		all[i].ID = strconv.Itoa(1000000000000000 + i)
	}
	limit := 25
	if v, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && v > 0 && v <= 1000 {
		limit = v
	}
	start := 0
	if v, err := strconv.Atoi(r.URL.Query().Get("after")); err == nil && v >= 0 && v <= len(all) {
		start = v
	}
	end := min(start+limit, len(all))
	page := map[string]any{"data": all[start:end]}
	paging := map[string]any{"cursors": map[string]string{"before": strconv.Itoa(start), "after": strconv.Itoa(end)}}
	if end < len(all) {
		q := r.URL.Query()
		q.Set("after", strconv.Itoa(end))
		q.Set("limit", strconv.Itoa(limit))
		paging["next"] = "http://" + r.Host + r.URL.Path + "?" + q.Encode()
	}
	page["paging"] = paging
	writeJSON(w, http.StatusOK, page)
}
