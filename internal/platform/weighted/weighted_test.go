package weighted_test

import (
	"math/rand/v2"
	"testing"

	"linli/internal/platform/weighted"
)

// TestIndex: a weight of zero is never drawn, one weight draws its index
// always, and over many draws each index comes up about as its weight says.
func TestIndex(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	counts := make([]int, 3)
	for range 30000 {
		counts[weighted.Index(r, []int{1, 0, 2})]++
	}
	if counts[1] != 0 {
		t.Errorf("a weight of 0 was drawn %d times", counts[1])
	}
	if counts[0] < 9000 || counts[0] > 11000 || counts[2] < 19000 || counts[2] > 21000 {
		t.Errorf("draws %v, want about 10000, 0, 20000", counts)
	}
	if i := weighted.Index(r, []int{5}); i != 0 {
		t.Errorf("one weight drew %d", i)
	}
}
