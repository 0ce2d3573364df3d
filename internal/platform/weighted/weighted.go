// Package weighted draws at random with weights, for the generators of
// the demonstration and the benchmark datasets: one draw of the source a
// pick, so that a seed gives the same data whichever generator calls it.
package weighted

import "math/rand/v2"

// Index draws an index of weights, each as likely as its weight (all
// positive).
func Index(r *rand.Rand, weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := r.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

// Pick draws one of xs, each as likely as its weight in weights (in the
// same order): one draw, as Index.
func Pick[T any](r *rand.Rand, xs []T, weights []int) T {
	return xs[Index(r, weights)]
}
