package intent

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestZZDump(t *testing.T) {
	path := os.Getenv("DUMP")
	if path == "" {
		t.Skip()
	}
	d := newDetector(t)
	f, _ := os.Open(path)
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		c := strings.Split(sc.Text(), "\t")
		if len(c) < 5 || c[0] == "id" {
			continue
		}
		r := d.Detect(c[2])
		acc := strings.FieldsFunc(c[4], func(r rune) bool { return r == 0x7c || r == 0x2c })
		ok := false
		for _, a := range acc {
			if a == string(r.Intent) {
				ok = true
			}
		}
		mark := "  "
		if !ok {
			mark = "XX"
		} else if c[3] == "opt_out" && r.Intent != OptOut {
			mark = "fn"
		}
		if os.Getenv("ALL") != "" || mark != "  " {
			fmt.Printf("%s %s %-7s got=%-7s u=%v %s %q | %s\n", mark, c[0], c[3], r.Intent, r.Uncertain, r.Rule, r.Matched, c[2])
		}
	}
}
