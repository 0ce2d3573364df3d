package db

// Mask is how a set of names is stored in one integer column: bit i stands
// for all[i] (an organization's types and target groups, a base's
// services). A name not in all sets no bit.
func Mask(all []string, set []string) int64 {
	var m int64
	for _, s := range set {
		for i, a := range all {
			if a == s {
				m |= 1 << i
			}
		}
	}
	return m
}

// Unmask is the set a stored mask stands for, in the order of all; never nil.
func Unmask(all []string, m int64) []string {
	n := 0
	for i := range all {
		n += int(m >> i & 1)
	}
	out := make([]string, 0, n) // one allocation, not one per growth (a list page unmasks 40)
	for i, a := range all {
		if m&(1<<i) != 0 {
			out = append(out, a)
		}
	}
	return out
}
