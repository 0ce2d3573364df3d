package ledger

// HashPosting exposes the chain hash to the tests' bulk loader.
func HashPosting(p *Posting) string { return p.hash() }
