package bench

// SearchTerms are the queries the search measurements cycle through: two
// and three Chinese characters, and pinyin initials of common kinds. The
// comparison with PocketBase (scripts/peer.sh) sends the same ones.
func SearchTerms() (two, three, ini []string) {
	for _, k := range iniKinds {
		ini = append(ini, initials(k))
	}
	return terms2, terms3, ini
}
