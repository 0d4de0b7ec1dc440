package optin

import (
	"embed"
	"html/template"
	"io"
	"strings"
)

//go:embed templates/*.html
var templateFS embed.FS

// pages are parsed when the package loads, so a broken template fails at start.
var pages = template.Must(template.ParseFS(templateFS, "templates/*.html"))

// PageData is what the form page shows.
type PageData struct {
	Form       *Form
	Texts      Texts
	Path       string // the page's own path; the form posts to Path + "/submit"
	Version    string // the hash of the consent text shown, sent back on submit
	Countries  []Country
	Country    string
	Phone      string
	Checked    map[string]bool
	Languages  []string
	Error      string
	PhoneError bool
}

// NewPage returns the data of a fresh page of form f in lang.
func NewPage(f *Form, lang, path string) PageData {
	country := f.DefaultCountry
	if country == "" {
		country = defaultRegion[lang]
	}
	return PageData{Form: f, Texts: f.Texts(lang), Path: path, Version: TextHash(f.ConsentText(lang)),
		Countries: Countries, Country: country, Checked: map[string]bool{}, Languages: f.Languages}
}

var defaultRegion = map[string]string{"pt": "BR", "es": "ES", "en": "GB", "nl": "NL", "it": "IT", "de": "DE", "fr": "FR"}

// RenderForm writes the form page.
func RenderForm(w io.Writer, d PageData) error { return pages.ExecuteTemplate(w, "form", d) }

// DoneData is what the page after a submission shows.
type DoneData struct {
	Form    *Form
	Texts   Texts
	Message string
}

// RenderDone writes the page shown after a successful submission: check
// your WhatsApp (double opt-in), or done.
func RenderDone(w io.Writer, f *Form, lang, e164 string) error {
	t := f.Texts(lang)
	key := "done_single"
	if f.DoubleOptIn {
		key = "done_double"
	}
	msg := strings.ReplaceAll(t.UI[key], "{phone}", e164)
	return pages.ExecuteTemplate(w, "done", DoneData{Form: f, Texts: t, Message: msg})
}
