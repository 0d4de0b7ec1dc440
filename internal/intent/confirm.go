package intent

// ConfirmQuestion returns the question to send when a result is Uncertain,
// in lang (pt, es, en, nl, it, de, fr); unknown or empty lang falls back to
// English. The answer it asks for is ConfirmKeyword(lang), which Detect
// reads as a certain opt-out keyword.
func (d *Detector) ConfirmQuestion(lang string) string {
	return confirmFor(lang)[0]
}

// ConfirmKeyword returns the keyword ConfirmQuestion asks the person to reply.
func (d *Detector) ConfirmKeyword(lang string) string {
	return confirmFor(lang)[1]
}

func confirmFor(lang string) [2]string {
	for _, t := range tables {
		if t.lang == lang {
			return t.confirm
		}
	}
	for _, t := range tables {
		if t.lang == "en" {
			return t.confirm
		}
	}
	return [2]string{}
}
