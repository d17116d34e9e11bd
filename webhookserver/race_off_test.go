//go:build !race

package webhookserver

// raceDetector tells the tests that the race detector is on.
const raceDetector = false
