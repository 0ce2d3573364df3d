package kpi

// PartsKept is how many parts of cities' evaluations the service keeps,
// and their size (for the benchmarks' logs).
func (s *Service) PartsKept() (n, bytes int) { return s.parts.Len(), s.parts.Bytes() }
