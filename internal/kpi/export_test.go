package kpi

// PartsKept is how many parts of cities' evaluations the service keeps,
// and their size (for the benchmarks' logs).
func (s *Service) PartsKept() (n, bytes int) {
	s.parts.mu.Lock()
	defer s.parts.mu.Unlock()
	for _, ps := range s.parts.m {
		for _, ev := range ps.evs {
			if ev != nil {
				n++
			}
		}
	}
	return n, s.parts.bytes
}
