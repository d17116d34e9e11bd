package webhookserver

// Slots bounds the runs in progress: a request that finds no free slot is
// refused at once rather than queued.
type Slots struct {
	free chan struct{}
}

// NewSlots returns n slots.
func NewSlots(n int) *Slots { return &Slots{free: make(chan struct{}, n)} }

// Size is the number of slots.
func (s *Slots) Size() int { return cap(s.free) }

// TryTake takes a slot if one is free; release gives it back.
func (s *Slots) TryTake() (release func(), ok bool) {
	select {
	case s.free <- struct{}{}:
		return func() { <-s.free }, true
	default:
		return nil, false
	}
}
