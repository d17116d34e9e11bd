package storetest

import "testing"

// Run runs every case of the suite against the store of h, one subtest
// each, each on its own fresh Worksheet.
func Run(t *testing.T, h Harness) {
	cases := []struct {
		name string
		run  func(*testing.T, Harness)
	}{
		{"CreateKeepsEveryFieldType", createKeepsEveryFieldType},
		{"CreateTwiceWithOneWriteKeyIsOneRecord", createTwiceWithOneWriteKeyIsOneRecord},
		{"CreateOfATakenUniqueValueIsDuplicate", createOfATakenUniqueValueIsDuplicate},
		{"CreateWithoutAUniqueFieldKeepsEveryWrite", createWithoutAUniqueFieldKeepsEveryWrite},
		{"UpdateByTheUniqueFieldChangesOnlyMappedFields", updateByTheUniqueFieldChangesOnlyMappedFields},
		{"UpdateByAnIndexedField", updateByAnIndexedField},
		{"UpdateWithNilClearsAField", updateWithNilClearsAField},
		{"UpdateWithoutAMatchIsNotFound", updateWithoutAMatchIsNotFound},
		{"UpdateMatchingTwoRecordsIsAmbiguous", updateMatchingTwoRecordsIsAmbiguous},
		{"UpdateThatBreaksARuleIsRefused", updateThatBreaksARuleIsRefused},
		{"UpdateOntoATakenUniqueValueIsDuplicate", updateOntoATakenUniqueValueIsDuplicate},
		{"UpdateOfTheUniqueValueMovesIt", updateOfTheUniqueValueMovesIt},
		{"UpdateRetriedWithOneWriteKeyWritesOnce", updateRetriedWithOneWriteKeyWritesOnce},
		{"UpsertCreatesThenUpdates", upsertCreatesThenUpdates},
		{"UpsertCreatingARecordThatBreaksARuleIsRefused", upsertCreatingARecordThatBreaksARuleIsRefused},
		{"UpsertOfATakenUniqueValueThatDoesNotMatchIsDuplicate", upsertOfATakenUniqueValueThatDoesNotMatchIsDuplicate},
		{"ConcurrentUpsertsOfOneUniqueValueMakeOneRecord", concurrentUpsertsOfOneUniqueValueMakeOneRecord},
		{"ConcurrentCreatesOfDistinctValuesAllLand", concurrentCreatesOfDistinctValuesAllLand},
		{"UnreachableBackendIsUnavailable", unreachableBackendIsUnavailable},
		{"PassedDeadlineIsUnavailable", passedDeadlineIsUnavailable},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.run(t, h) })
	}
}
