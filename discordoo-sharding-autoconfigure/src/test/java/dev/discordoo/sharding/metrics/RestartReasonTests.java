package dev.discordoo.sharding.metrics;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;

import static org.assertj.core.api.Assertions.assertThat;

class RestartReasonTests {

	// the reasons as the manager words them, with the free text they carry
	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			exited unexpectedly: exit code 137                                                    | exited
			ended before it announced its port: exit code 1                                       | exited
			link lost: HEARTBEAT_TIMEOUT (no heartbeat for 15012 ms (interval 5000 ms x tolerance 3)) | heartbeat
			link lost: CLOSED_BY_PEER (connection closed)                                          | link
			link lost: PROTOCOL_VIOLATION (bad frame)                                              | link
			handshake failed: instance 1234 refused the session: HELLO token is invalid            | link
			handshake failed: instance 1234 failed to start: bad token                             | start-failed
			no IDENTIFY within the spawn timeout of 30000 ms                                       | spawn-timeout
			its local client failed to start: LoginException: invalid token                        | start-failed
			could not be launched: java.io.IOException: Cannot run program "java"                   | launch-failed
			restart requested by hand                                                             | other
			""")
	void reasonTextsFallIntoTheirCategory(String reason, String tag) {
		assertThat(RestartReason.of(reason.trim()).tag()).isEqualTo(tag);
	}

	@ParameterizedTest
	@NullSource
	void anUnknownReasonIsOther(String reason) {
		assertThat(RestartReason.of(reason)).isEqualTo(RestartReason.OTHER);
	}

}
