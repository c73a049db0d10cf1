package diskpersist

// crash releases what the death of the process would: the Store's files
// and, with them, its lock; it writes nothing.
func (s *Store) crash() {
	s.f.Close()
	if s.lock != nil {
		s.lock.Close()
	}
}
