package db_test

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"linli/internal/platform/db"
)

// appliedMigrations pins what each version runs, SQLite then PostgreSQL (the
// SHA-256 of the rendered SQL): an applied migration is never edited, since a
// database that ran it would never see the change. Versions up to 52 were
// pinned from the two engines' separate files before they became one file a
// version, so the rendering runs exactly what they ran. A new migration adds
// its line here (the test prints it).
var appliedMigrations = map[int][2]string{
	1:  {"8b595e8ad536707f5b1268444a9242bb24bf2eb649dc76fb5bddb3c923f3c7cb", "aa5310ef9af444bfdc077af6847f9127618e76515e229cc2e5481a32e471e985"},
	2:  {"046a1b7a1056a6c928559c6a9f900e2fbb76b28acd6247e5b72f225e255bbc11", "55320d88564b583999982d9d6ab383d67f308fc48253194e4ef411d404b2b4b6"},
	3:  {"d775095bcc0563762c14aa4bc2e7b445f1ca97cd1aaaf8a819bd8c481e1e27e5", "415c58348e95d8a55546e84347e9de2c4cb3e4ee21cef482c22239e73e756ee4"},
	4:  {"7ab3aa870161f02ed00bf9432ba1fad300ccd091e34d70e5a180f77ff352f49d", "c21b516d63efe31ec7ee669cfe170b05474fedbe6f9efe2dff03e5b3ef45db4f"},
	5:  {"3e77f2b182b51b6526593201ebff4788b3f80795ef97eb865a02cb74d27d0ea3", "3e77f2b182b51b6526593201ebff4788b3f80795ef97eb865a02cb74d27d0ea3"},
	6:  {"0407ced283208aadc5368f47aeec82893c1f69531d7bafea4f2a70160f707d1d", "36fd56383c49444ed06e60a7ca2b1d2f80b1fc20c895271e9d2c9d6ea98a6f33"},
	7:  {"c9743a9b14391b84933789de8d78a2d5b4658eeee45206e257f93088a35b76b4", "e1aa68d156f436971f082f15251c0738f94b1e6727d681ad7db4655ee1930118"},
	8:  {"c0184b4371a83561a46463864eb097ae180b408345644d3485b49a24450b6217", "a2e7017c4617edd1c4e9fe6c55e154c67afd59c0077a79f59af2e854abda2f82"},
	9:  {"a3ff4ed5a46d695001819b08da3f02b5cf609c57b691d39eb474ff8cf34b35dc", "937455599e0672a51ee229db39c9a2639098ce5cfb1928144905b0a512dd7300"},
	10: {"54fb9f8d71472ec897db8b0e75dbae1b65165f680934fc39e07138e040da978c", "a3c03a841926cbfb7b78334402c091b358fcd6da3245cc7de3bba75317efb373"},
	11: {"ba65b0199e83df79e4b51f49d3c2b4b9c30b8dd4f90093b896d8e3576c80cbd2", "363db161593a0c6d554876545a536592e6c46e4f061c78dc54a10aa42e26a551"},
	13: {"6f265314fb488e304ee6367d493fcfbe44fd9eb9867097f7154f5e415d2b57c5", "06acb0b7416a22cc2a448c7b49071ead9a45b524f7807bdfc63785520ac68206"},
	14: {"99aafcf5856afafc0e8986b88c3e0da463366700fd1f239fc1993911b9011628", "34dbe8730fea5abab5d89a03780039f71b09de1fd69109ed698963a932d3cfcf"},
	15: {"acb6e30ccf3a6e8a1e0dcb5cf20b6c40604ba1eed438b5d5a279a05c1e112471", "d2041bbddea1032aafa95b4c682051d8e26e54d358c959a158ea9d170e6c9873"},
	16: {"439bb3c1abb8938b9bb609dd432539d9b0d3e630658ab4d6985c5c8cd0dd11e7", "091caec229aeb3aff28e7fc422f810e9b4c939550c4ef7a49a6f315e0df6e1d8"},
	17: {"904264d87432b84ad1775d1e4d7feda8b86d73309955890bdc23feec8adc5e6c", "23d45f6e1643b82ae15b1b501e22c9fa7ea8048bf2f757126d147770fe3c745f"},
	18: {"69c888aa37fe97a293409d09f7b66e878369d129d25715288f1c7a856263a5b3", "0033340d0cb479090dd555a6651740815edf698e2d21da919fa94ceb64ab2665"},
	19: {"eb1481af9b953d1d3daf72467eeba02ef031306da7d5e2d8522bba3e6b743bad", "cc18b75d91b44c18ba4c0f2e8ff2441a62b85903951f8d39881d2bfa545df58f"},
	20: {"4ae0da9f22093dba62e743b208e4567f7deae509652519ff13cf4d7e605fd995", "93502e4a35024d789d28073f438983d45d2bbf1f9c1e34d1e50d2e8fc188c43d"},
	21: {"7be9810ca197ba117925fe0bdcdfcc7558ddfa44f3edede7b3666e8c63ca4225", "3e9a0ada644ab1e70f81baf2f8ad69e90260b00d58d0d93235dfb9b942a3d755"},
	22: {"3d8065cbe207499c8df1b19bd494fbcf1016fe9554a0b3aa2f19ee261ce82d72", "3ae8cf4bfd0693f42e2eb15fa255b93dc2f3b7adc40b67a805a95eb4c3704744"},
	24: {"bfbd7c256e5a982b555011347f8a1820dc74c79d31284f50d8336ed4b1951ca3", "f27a38e93a1a503946461b53ee39d0113e1bdae751c1f712ffab76964c4c5fb7"},
	25: {"e269f43e934c8d0b1ba358221d3f58322513b8e062a527c2ede2e5c9a183b59a", "c68c6867c211dabc577a6eab9ec66ae945bf099ed176d2f60126bd9a20aba975"},
	26: {"c5a93c454ebd9567b46615bfeff58b2e658e96bb24570cda2246a69e754db3a1", "04723f4cbd2c2984eb62587c8d8e600e3830c6a1a7e0103ed6a4b095ffd121e2"},
	27: {"22fd6d3bb1d8c4320710969ff08a66396683afac09384f0cc8e247db17eb907d", "2a16b6f9e0bcc469e862de5b245765f1aeef420ffc3236317ebf33869c47be0f"},
	28: {"51c858723d764911dc92fcdedd8a43507ab2b3868fd48e8681f1515d7ab1cbd1", "51c858723d764911dc92fcdedd8a43507ab2b3868fd48e8681f1515d7ab1cbd1"},
	31: {"862f676d72c21543ad20911f573a03fd01eb69b5b163d9a6497ba729fb1ed3b7", "d3aad73edd9a83e4bfa9c7683bef740fbcd6d6dccc72f97e0845cdb57407534f"},
	34: {"7feeb8a1a9a78837fb9b6b7bbdd6237125670def3b283477103023b65609ea84", "a82dad18a6c9fda9483a19f49fac81afa578738afd97ed833384c15b2a002fef"},
	35: {"41647e4f12893089e42bf00a175c468e0f414f1f51f1bfc1b33be6f44068c3e2", "8aa7937094950ad94f92daad8210dcb5a9524f1efb9c2419009ea792be1edcb8"},
	36: {"aab738f9b1d908323d3f0a1e40a4dd810ad0cc2c1f619ee7400a32e02eda6405", "ef71990c18ebf8fb8b7196f58fae10e2e654fafafedd3a601bcadb1702958aca"},
	38: {"763ff5ad2c1a8fb9077ada5d8530fa1eae60883da5bb5d1a8bbf58630a3e4063", "763ff5ad2c1a8fb9077ada5d8530fa1eae60883da5bb5d1a8bbf58630a3e4063"},
	39: {"d94ecc0c0d44f81e96c7994dcdbe3bde3d6656bfe1fe4e45537d7e2856f3102b", "d94ecc0c0d44f81e96c7994dcdbe3bde3d6656bfe1fe4e45537d7e2856f3102b"},
	40: {"3aba1528ca31b8fbb1a8003a993b9c9e653ac69be595a2c41fd412cf0cfa0fb5", "b5dd4720a1090f70b31f0d6cbdee4b27e2e76665e0117c66d6d8c2cacf4120bc"},
	41: {"1b06aa5005369b9dc2feb5dcc26e22227c9fadc439c436c240390ed25e770de1", "33107b7a6df61afe3f8b0e8e49da2d7a3f9f3aeb665bb9ee901d7495e3cbe82d"},
	47: {"a3d5e53b1c6369004e3834383eaf1505eded179e0289649d1c6fcb36e8098f71", "4bba5350a21b341630bff8cef1477ec97bee44eeb38b6c2643bf3d592c939a77"},
	48: {"4dd1a75aec45625b32e720d149627d5e1189611278c8a759e6aa387831942a74", "c7ee520d07cbd80981e6a8055cf899e29adf3058dccdaf2feef94b8587e59d80"},
	49: {"7e005beb565cff73d51f95b366edd2fb125864e5bc1dd8ff4073338380821510", "7e005beb565cff73d51f95b366edd2fb125864e5bc1dd8ff4073338380821510"},
	51: {"7a6d86e300f54d799ec9ced6f5fa25c320262beea20fdbf05b8b557e42eb37c8", "a07b9ab0e9f210972f94c2f37057286532dcddf60fbc9bd8033199bbe83bbfa4"},
	52: {"3c5ed04dcb8bf62977e231b313a367d5575c8f02e50d6651293728f3843c0569", "3c5ed04dcb8bf62977e231b313a367d5575c8f02e50d6651293728f3843c0569"},
	54: {"983010e17b96976d03ab00512324b305a77197d09ce108bfe7ad0bc107262ca5", "8094f580dea965dc04e8f619f6e4cf2d8f2f2b5fead87a3d9953c9adaaf08a23"},
	55: {"d793bd5560c2d96a1a9708a14790be5e5ed88aa3bd0dde8948e9b545109f7f33", "d793bd5560c2d96a1a9708a14790be5e5ed88aa3bd0dde8948e9b545109f7f33"},
	56: {"754c2603855d7b4b31550deeecbacc73bc81491ae79dc71fcb1f9e136fb7eb67", "93d01bd94f20a08183d504d583b6c13d080a1629347a766cb2fb8147759f1c4f"},
	57: {"a6475c60bf7a543600da12df2256b44cf62f8775e3fc8be530ee91ea04bc4b23", "b9b69d115eadb37dd3208dfcfd275fb606298a32236316eedad83d1d3ad391b0"},
	58: {"cef298e05d27766e1129a5b8bf357ed3726cc4e369a4e6a221258740172cc82c", "b3986cd4437ab6586e7cfcfd7e466f8e0a5a4fab12c4f13232efa64a0d99fd6a"},
	59: {"9a88e84944709a0d99abdcba69297bc65cf3394db61595187a56b0339c5ec569", "5972c6949b55c99b5a4c7e4bd8474f2db081e3466d6570e47b787bfcee6976b2"},
	60: {"0c9efe1833c690faee378c3b2d89eeef221fe8914eae35958b0eff10161c9c4d", "0c9efe1833c690faee378c3b2d89eeef221fe8914eae35958b0eff10161c9c4d"},
	61: {"b835b227560e9f2a394145155841235ddb93919d15ffdfca4b7861e1e4351d41", "6110d5b904ba498d49650558b4fce996e8e103d37c54a7bd587cd6be085adc47"},
	62: {"279b000596fa8bc73d9508197fc785699a65db8a26995a1619633a63a1e226c5", "279b000596fa8bc73d9508197fc785699a65db8a26995a1619633a63a1e226c5"},
	63: {"ccb5bee3259f34ebeaac0dfa711b04183742951b37bd9025ca89ca03e0949089", "ccb5bee3259f34ebeaac0dfa711b04183742951b37bd9025ca89ca03e0949089"},
	64: {"d0549d3b3f05e104f25cf9223f4cff05124079189a95c9e574379c53ee230cd9", "d0549d3b3f05e104f25cf9223f4cff05124079189a95c9e574379c53ee230cd9"},
	68: {"b74e51601cfae279b51312eba4278fd9f972bbf2e2367c605df1a36a17253cdd", "d918004c3f2431e4399215fd4add953fc7dc9dbd7d31e02801ac0e41590962b3"},
}

func TestAppliedMigrationsNeverChange(t *testing.T) {
	s, err := db.Migrations(db.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	p, err := db.Migrations(db.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	if len(s) != len(p) || len(s) == 0 {
		t.Fatalf("sqlite has %d migrations, postgres %d", len(s), len(p))
	}
	seen := map[int]bool{}
	for i := range s {
		v := s[i].Version
		seen[v] = true
		got := [2]string{sum(s[i].SQL), sum(p[i].SQL)}
		want, ok := appliedMigrations[v]
		switch {
		case !ok:
			t.Errorf("migration %s is not pinned; once it is final, add to appliedMigrations:\n\t%d: {%q, %q},", s[i].Name, v, got[0], got[1])
		case got != want:
			t.Errorf("migration %s changed after it was pinned (sqlite %v, postgres %v): write a new migration instead", s[i].Name, got[0] != want[0], got[1] != want[1])
		}
	}
	for v := range appliedMigrations {
		if !seen[v] {
			t.Errorf("pinned migration %d has no file", v)
		}
	}
}

func sum(sql string) string {
	h := sha256.Sum256([]byte(sql))
	return hex.EncodeToString(h[:])
}

// A marker the renderer does not know is refused, not read as SQL for both.
func TestRenderMigrationMarkers(t *testing.T) {
	text := "CREATE TABLE t (\n-- @sqlite\n  id INTEGER PRIMARY KEY\n-- @postgres\n  id BIGINT PRIMARY KEY\n-- @both\n);\n"
	for engine, want := range map[string]string{
		db.SQLite:   "CREATE TABLE t (\n  id INTEGER PRIMARY KEY\n);\n",
		db.Postgres: "CREATE TABLE t (\n  id BIGINT PRIMARY KEY\n);\n",
	} {
		got, err := db.RenderMigration(text, engine)
		if err != nil || got != want {
			t.Errorf("%s: got %q, %v; want %q", engine, got, err, want)
		}
	}
	if _, err := db.RenderMigration("SELECT 1;\n-- @mysql\nSELECT 2;\n", db.SQLite); err == nil {
		t.Error("an unknown marker was accepted")
	}
}
