package web

// Room is what a room's handlers hold when they serve its pages and API over
// one service: the shared web machinery and the service. A room declares
// `type Handlers web.Room[*Service]` and hangs its routes and handlers on
// that type; a room whose handlers need more (a picker, a job runner) keeps a
// struct of its own with the same S and Svc.
type Room[Svc any] struct {
	S   *Server
	Svc Svc
}
