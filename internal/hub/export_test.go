package hub

// MovedRetriesForTest is how many writes s ran again because an
// organization moved meanwhile (orgroll.ErrMoved).
func MovedRetriesForTest(s *Service) int64 { return s.moved.Again() }
