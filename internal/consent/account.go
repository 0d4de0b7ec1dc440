package consent

// Category is Meta's template category, which a topic carries.
type Category string

// Meta's template categories.
const (
	Marketing      Category = "marketing"
	Utility        Category = "utility"
	Authentication Category = "authentication"
)

// Valid reports whether c is one of Meta's categories.
func (c Category) Valid() bool {
	return c == Marketing || c == Utility || c == Authentication
}

// Topic is what a person agrees to receive, e.g. order_updates or promotions.
type Topic struct {
	ID          string
	Category    Category
	Description string
}

// UnknownTemplatePolicy says what to do with a template missing from the registry.
type UnknownTemplatePolicy string

const (
	// RefuseUnknownTemplates fails closed: a template not in the registry is refused.
	RefuseUnknownTemplates UnknownTemplatePolicy = "refuse"
	// AllowUnknownTemplates lets such templates through, subject to opt-outs of everything.
	AllowUnknownTemplates UnknownTemplatePolicy = "allow"
	// CategoryUnknownTemplates gives a template missing from the registry the
	// topic mapped to its Meta category (learned from Meta); without a known
	// category it is refused.
	CategoryUnknownTemplates UnknownTemplatePolicy = "category"
)

// Rules is what the send decision needs to know of one account.
type Rules struct {
	Topics           map[string]Topic  // by topic id
	Templates        map[string]string // template name -> topic id
	UnknownTemplates UnknownTemplatePolicy
	CategoryTopics   map[Category]string // topic of each category, for CategoryUnknownTemplates
}

// TopicOfTemplate returns the topic a registered template maps to.
func (r *Rules) TopicOfTemplate(name string) (Topic, bool) {
	id, ok := r.Templates[name]
	if !ok {
		return Topic{}, false
	}
	t, ok := r.Topics[id]
	return t, ok
}

// TopicsIn returns the ids of the account's topics of category c.
func (r *Rules) TopicsIn(c Category) []string {
	var ids []string
	for id, t := range r.Topics {
		if t.Category == c {
			ids = append(ids, id)
		}
	}
	return ids
}
