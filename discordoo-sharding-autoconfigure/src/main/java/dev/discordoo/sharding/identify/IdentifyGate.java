package dev.discordoo.sharding.identify;

/**
 * A second gate on each identify bucket, beyond the broker's own: what keeps several
 * managers of one bot (the nodes of a cluster) from identifying in the same bucket at once.
 * The broker asks it only once its own rules let a permit go, and from under its lock: an
 * implementation must answer at once, never wait.
 */
public interface IdentifyGate {

	/** No second gate: a single manager's broker is the only one. */
	IdentifyGate OPEN = new IdentifyGate() {

		@Override
		public long tryTake(int bucket) {
			return 0;
		}

		@Override
		public void giveBack(int bucket, boolean used) {
		}

	};

	/**
	 * Take a bucket for one identify, if no other manager holds it.
	 * @param bucket the bucket
	 * @return 0 when taken; otherwise how many nanoseconds to wait before asking again
	 */
	long tryTake(int bucket);

	/**
	 * Give a bucket back: the identify taken under it has its outcome (or will never have
	 * one), or was not granted after all.
	 * @param bucket the bucket
	 * @param used whether an identify was granted under it: then the other managers may have
	 * it only once the identify interval has passed since it was taken
	 */
	void giveBack(int bucket, boolean used);

}
