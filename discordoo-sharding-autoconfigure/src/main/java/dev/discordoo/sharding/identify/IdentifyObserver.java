package dev.discordoo.sharding.identify;

import java.time.Duration;

/**
 * Told what the {@link IdentifyBroker} does, for metrics. Called outside the broker's lock;
 * an observer must not block.
 */
public interface IdentifyObserver {

	/**
	 * A permit was granted.
	 * @param shardId the shard
	 * @param waited how long it was waited for
	 */
	default void onGranted(int shardId, Duration waited) {
	}

	/**
	 * A permit request was refused.
	 * @param code the error code it was refused with
	 */
	default void onRefused(String code) {
	}

	/**
	 * A granted permit was released, freeing its bucket.
	 * @param release why
	 */
	default void onReleased(PermitRelease release) {
	}

}
