package dev.discordoo.sharding.manager;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RelayTargetsTests {

	private final JsonMapper mapper = JsonMapper.builder().build();

	@Test
	void allIsEveryInstance() {
		assertThat(RelayTargets.parse(json("\"all\""), 4)).containsExactly(0, 1, 2, 3);
	}

	@Test
	void indicesKeepTheirOrderAndRepeatsAreDropped() {
		assertThat(RelayTargets.parse(json("[2, 0, 2, 3, 0, 0]"), 4)).containsExactly(2, 0, 3);
		assertThat(RelayTargets.parse(json("[]"), 4)).isEmpty();
	}

	@Test
	void aHugeListOfRepeatsGivesOneTargetPerInstance() {
		StringBuilder targets = new StringBuilder("[0");
		for (int i = 0; i < 200_000; i++) {
			targets.append(',').append(i % 3);
		}
		assertThat(RelayTargets.parse(json(targets.append(']').toString()), 3)).containsExactly(0, 1, 2);
	}

	@Test
	void anIndexOutOfRangeIsRefusedNamingTargetsAndTheValue() {
		assertThatIllegalArgumentException().isThrownBy(() -> RelayTargets.parse(json("[0, 4]"), 4))
			.withMessage("targets must hold instance indices from 0 to 3, had 4");
		assertThatIllegalArgumentException().isThrownBy(() -> RelayTargets.parse(json("[-1]"), 4))
			.withMessage("targets must hold instance indices from 0 to 3, had -1");
		assertThatIllegalArgumentException().isThrownBy(() -> RelayTargets.parse(json("[4294967296]"), 4))
			.withMessage("targets must hold instance indices from 0 to 3, had 4294967296");
	}

	@Test
	void somethingThatIsNotAnIntegerIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> RelayTargets.parse(json("[1.5]"), 4))
			.withMessage("targets must hold instance indices from 0 to 3, had 1.5");
		assertThatIllegalArgumentException().isThrownBy(() -> RelayTargets.parse(json("[\"1\"]"), 4))
			.withMessage("targets must hold instance indices from 0 to 3, had \"1\"");
		assertThatIllegalArgumentException().isThrownBy(() -> RelayTargets.parse(json("[null]"), 4))
			.withMessage("targets must hold instance indices from 0 to 3, had null");
	}

	@Test
	void neitherAllNorAListIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> RelayTargets.parse(json("\"others\""), 4))
			.withMessage("targets must be \"all\" or a list of instance indices, was \"others\"");
		assertThatIllegalArgumentException().isThrownBy(() -> RelayTargets.parse(json("3"), 4))
			.withMessage("targets must be \"all\" or a list of instance indices, was 3");
	}

	@Test
	void aLongRefusedValueIsQuotedShort() {
		String value = "x".repeat(100_000);
		assertThatIllegalArgumentException().isThrownBy(() -> RelayTargets.parse(json("\"" + value + "\""), 4))
			.satisfies((ex) -> assertThat(ex.getMessage()).startsWith("targets must be \"all\"")
				.endsWith("… (100002 characters)")
				.hasSizeLessThan(200));
	}

	private JsonNode json(String text) {
		return this.mapper.readTree(text);
	}

}
