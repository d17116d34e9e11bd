//go:build race

package webhookserver

// raceDetector tells the tests that the race detector is on: sync.Pool
// then drops items at random, so gin's pooled contexts are sometimes
// allocated again and allocation counts vary by one from run to run.
const raceDetector = true
