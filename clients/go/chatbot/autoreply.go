package chatbot

import "encoding/xml"

// AutoReply is one FAQ entry for SetAutoReply: the manager who sets it, the skill, the standard
// question (title), the answer (content: text, or a rich answer as JSON) and similar questions.
type AutoReply struct {
	ManagerID string
	Skill     string
	Title     string
	Content   string
	Questions []string
}

type cdata struct {
	Text string `xml:",cdata"`
}

type autoReplyXML struct {
	XMLName   xml.Name `xml:"xml"`
	ManagerID cdata    `xml:"managerid"`
	Skill     cdata    `xml:"skillname"`
	Title     cdata    `xml:"title"`
	Content   cdata    `xml:"content"`
	Questions []cdata  `xml:"list>question"`
}

// MarshalXML writes the platform's setautoreply document, each value in CDATA.
func (a AutoReply) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	doc := autoReplyXML{
		ManagerID: cdata{a.ManagerID}, Skill: cdata{a.Skill}, Title: cdata{a.Title}, Content: cdata{a.Content},
	}
	for _, q := range a.Questions {
		doc.Questions = append(doc.Questions, cdata{q})
	}
	return e.Encode(doc)
}

// Seal encodes the entry as XML and encrypts it into the envelope SetAutoReply takes.
func (a AutoReply) Seal(c *Crypter) (string, error) {
	doc, err := xml.Marshal(a)
	if err != nil {
		return "", err
	}
	return c.Encrypt(doc)
}
