package dev.lbkit.hash;

import static dev.lbkit.core.internal.Checks.checkArgument;

import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Options of the consistent methods ({@link HashSelectors#hashConsistent}, {@link
 * HashSelectors#ketama}, {@link HashSelectors#ring}, {@link HashSelectors#maglev}): an immutable
 * value.
 *
 * <pre>{@code
 * HashOptions options = HashOptions.builder()
 *     .backendKey(BackendKey.authority())   // place servers as nginx's "server 10.0.0.5:8080;"
 *     .boundedLoad(1.25)                    // HAProxy's hash-balance-factor 125
 *     .build();
 * }</pre>
 *
 * <p>Each option says which methods read it. A method refuses options it does not read (set to
 * anything but their default), so that a setting is never silently ignored.
 */
public final class HashOptions {
  /** Maglev's default table size: a prime, about 650 entries per backend for 100 backends. */
  public static final int DEFAULT_TABLE_SIZE = 65_537;

  /** The largest Maglev table accepted (a prime just under 2^24). */
  public static final int MAX_TABLE_SIZE = 16_777_213;

  private static final HashOptions DEFAULTS = builder().build();

  private final BackendKey backendKey;
  private final double boundedLoad;
  private final int pointsPerWeight;
  private final int tableSize;
  private final KetamaWeighting ketamaWeighting;

  private HashOptions(Builder builder) {
    this.backendKey = builder.backendKey;
    this.boundedLoad = builder.boundedLoad;
    this.pointsPerWeight = builder.pointsPerWeight;
    this.tableSize = builder.tableSize;
    this.ketamaWeighting = builder.ketamaWeighting;
  }

  /**
   * Backends placed by id, no bounded load, {@value Rings#DEFAULT_POINTS_PER_WEIGHT} points per
   * unit of weight, a Maglev table of {@value #DEFAULT_TABLE_SIZE}.
   */
  public static HashOptions ofDefaults() {
    return DEFAULTS;
  }

  /** Starts from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Which string places a backend on the ring or in the table (all consistent methods). */
  public BackendKey backendKey() {
    return backendKey;
  }

  /** The bounded-load factor c, or 0 when bounded load is off (the default). */
  public double boundedLoad() {
    return boundedLoad;
  }

  /** Whether bounded load is on. */
  public boolean hasBoundedLoad() {
    return boundedLoad > 0;
  }

  /**
   * Points per unit of weight: on the default ring and nginx's ring, each backend gets {@code
   * weight x pointsPerWeight} points; Ketama reads it as spymemcached's node repetitions (points
   * per server at the average weight). nginx and libketama fix it at 160.
   */
  public int pointsPerWeight() {
    return pointsPerWeight;
  }

  /** The number of entries of a Maglev table, a prime (Maglev only). */
  public int tableSize() {
    return tableSize;
  }

  /** When Ketama applies spymemcached's weighted point counts (Ketama only). */
  public KetamaWeighting ketamaWeighting() {
    return ketamaWeighting;
  }

  /**
   * Refuses every option {@code method} does not read that is not at its default: {@code
   * pointsPerWeight} (all but Maglev), {@code tableSize} (Maglev only), {@code ketamaWeighting}
   * (Ketama only).
   *
   * @throws IllegalArgumentException naming the option, its value and the method
   */
  void checkReadBy(
      String method, boolean readsPoints, boolean readsTableSize, boolean readsWeighting) {
    checkArgument(
        readsPoints || pointsPerWeight == DEFAULTS.pointsPerWeight,
        "pointsPerWeight: %s (expected: the default, %s; %s does not read it)",
        pointsPerWeight,
        DEFAULTS.pointsPerWeight,
        method);
    checkArgument(
        readsTableSize || tableSize == DEFAULTS.tableSize,
        "tableSize: %s (expected: the default, %s; only maglev reads it, not %s)",
        tableSize,
        DEFAULTS.tableSize,
        method);
    checkArgument(
        readsWeighting || ketamaWeighting == DEFAULTS.ketamaWeighting,
        "ketamaWeighting: %s (expected: the default, %s; only ketama reads it, not %s)",
        ketamaWeighting,
        DEFAULTS.ketamaWeighting,
        method);
  }

  /** Returns a builder that starts from these options. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof HashOptions)) {
      return false;
    }
    HashOptions that = (HashOptions) o;
    return backendKey.equals(that.backendKey)
        && Double.compare(boundedLoad, that.boundedLoad) == 0
        && pointsPerWeight == that.pointsPerWeight
        && tableSize == that.tableSize
        && ketamaWeighting == that.ketamaWeighting;
  }

  @Override
  public int hashCode() {
    return Objects.hash(backendKey, boundedLoad, pointsPerWeight, tableSize, ketamaWeighting);
  }

  @Override
  public String toString() {
    return "HashOptions{backendKey="
        + backendKey
        + ", boundedLoad="
        + (hasBoundedLoad() ? String.format(Locale.ROOT, "%.3f", boundedLoad) : "off")
        + ", pointsPerWeight="
        + pointsPerWeight
        + ", tableSize="
        + tableSize
        + (ketamaWeighting == KetamaWeighting.AUTO ? "" : ", ketamaWeighting=" + ketamaWeighting)
        + '}';
  }

  /** Builds {@link HashOptions}; every setter validates its argument. */
  public static final class Builder {
    private BackendKey backendKey = BackendKey.id();
    private double boundedLoad;
    private int pointsPerWeight = Rings.DEFAULT_POINTS_PER_WEIGHT;
    private int tableSize = DEFAULT_TABLE_SIZE;
    private KetamaWeighting ketamaWeighting = KetamaWeighting.AUTO;

    private Builder() {}

    private Builder(HashOptions options) {
      this.backendKey = options.backendKey;
      this.boundedLoad = options.boundedLoad;
      this.pointsPerWeight = options.pointsPerWeight;
      this.tableSize = options.tableSize;
      this.ketamaWeighting = options.ketamaWeighting;
    }

    /**
     * The string that places each backend: its id by default; {@link BackendKey#authority()} or a
     * function of your own to reproduce nginx's or a memcached client's placement.
     */
    public Builder backendKey(BackendKey backendKey) {
      this.backendKey = Objects.requireNonNull(backendKey, "backendKey");
      return this;
    }

    /**
     * Turns on bounded load with factor c (Mirrokni, Thorup and Zadimoghaddam; HAProxy's {@code
     * hash-balance-factor} divided by 100): a backend whose requests in flight would exceed {@code
     * ceil(c x average)} is passed over for the next one on the ring.
     *
     * @throws IllegalArgumentException unless c is in 1.0..100.0
     */
    public Builder boundedLoad(double factor) {
      checkArgument(
          factor >= 1.0 && factor <= 100.0,
          "boundedLoad: %s (expected: 1.0..100.0, e.g. 1.25)",
          factor);
      this.boundedLoad = factor;
      return this;
    }

    /** Turns bounded load off (the default). */
    public Builder noBoundedLoad() {
      this.boundedLoad = 0;
      return this;
    }

    /**
     * Points per unit of weight.
     *
     * @throws IllegalArgumentException unless {@code pointsPerWeight} is in 1..{@value
     *     Rings#MAX_POINTS_PER_WEIGHT}
     */
    public Builder pointsPerWeight(int pointsPerWeight) {
      Rings.checkPointsPerWeight(pointsPerWeight);
      this.pointsPerWeight = pointsPerWeight;
      return this;
    }

    /**
     * The Maglev table size: a prime, ideally at least 100 times the number of backends.
     *
     * @throws IllegalArgumentException if it is not a prime in 3..{@value #MAX_TABLE_SIZE}
     */
    public Builder tableSize(int tableSize) {
      checkArgument(
          tableSize >= 3 && tableSize <= MAX_TABLE_SIZE && isPrime(tableSize),
          "tableSize: %s (expected: a prime in 3..%s, e.g. 65537)",
          tableSize,
          MAX_TABLE_SIZE);
      this.tableSize = tableSize;
      return this;
    }

    /**
     * Trial division: table sizes are at most {@value #MAX_TABLE_SIZE}, so at most 2048 divisions,
     * once per configuration. Enough not to make every user of lb-hash depend on Guava for it.
     */
    private static boolean isPrime(int n) {
      if (n < 2 || n % 2 == 0) {
        return n == 2;
      }
      for (int d = 3; (long) d * d <= n; d += 2) {
        if (n % d == 0) {
          return false;
        }
      }
      return true;
    }

    /**
     * When Ketama applies spymemcached's weighted point counts; {@link KetamaWeighting#AUTO} by
     * default.
     */
    public Builder ketamaWeighting(KetamaWeighting ketamaWeighting) {
      this.ketamaWeighting = Objects.requireNonNull(ketamaWeighting, "ketamaWeighting");
      return this;
    }

    /** Builds the options. */
    public HashOptions build() {
      return new HashOptions(this);
    }
  }
}
