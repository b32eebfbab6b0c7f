package dev.lbkit.cookie;

import static dev.lbkit.cookie.StickyFixtures.SECRET;
import static dev.lbkit.cookie.StickyFixtures.cookieValue;
import static dev.lbkit.cookie.StickyFixtures.request;
import static dev.lbkit.cookie.StickyFixtures.withCookies;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.cookie.SessionPersistence.Lifetime;
import dev.lbkit.cookie.SessionPersistence.Mode;
import dev.lbkit.core.Binding;
import dev.lbkit.core.Decision;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.RequestContext;
import dev.lbkit.core.ResponseHeader;
import dev.lbkit.core.SessionAffinity;
import dev.lbkit.core.Upstream;
import java.time.Duration;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class StickySessionProperties {
  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  private static final String TOKEN_CHARS =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-.^_`|~";

  /** Built once: each affinity without a secret logs its WARN. */
  private static final SessionAffinity NO_SECRET_PERSISTENT =
      SessionPersistence.cookie("srv_id")
          .scope("tea")
          .insecureUnsignedTokens()
          .build()
          .toAffinity();

  private static final SessionAffinity NO_SECRET_BALANCED =
      SessionPersistence.cookie("srv_id")
          .scope("tea")
          .mode(Mode.BALANCED)
          .insecureUnsignedTokens()
          .build()
          .toAffinity();

  /**
   * A fresh upstream for each load balancer: every load balancer registers its ring on its
   * upstream, so sharing one across tries would make each change compute every earlier ring.
   */
  private Upstream upstream = StickyFixtures.upstream("up", 5);

  private LoadBalancer lb(SessionPersistence config) {
    upstream = StickyFixtures.upstream("up", 5);
    return LoadBalancer.builder(upstream).affinity(config.toAffinity()).build();
  }

  private LoadBalancer lb(SessionAffinity affinity) {
    upstream = StickyFixtures.upstream("up", 5);
    return LoadBalancer.builder(upstream).affinity(affinity).build();
  }

  @Property(tries = 500)
  void arbitraryCookieHeadersNeverThrowAndBindNothing(
      @ForAll Mode mode, @ForAll("cookieHeaders") String header) {
    SessionPersistence config =
        SessionPersistence.cookie("srv_id")
            .mode(mode)
            .secrets(SECRET)
            .legacyCookies(
                LegacyCookie.nginxSticky(),
                LegacyCookie.ingressNginxPersistent("up"),
                LegacyCookie.springInstanceId("srv_idx"))
            .build();
    LoadBalancer lb = lb(config);
    SessionAffinity affinity = lb.affinity();
    // Straight to the affinity: the load balancer's own guard must not be what saves us.
    Binding binding = affinity.resolve(upstream.snapshot(), withCookies(header));
    assertThat(binding.kind()).isEqualTo(Binding.Kind.NONE);
    assertThat(lb.pick(withCookies(header)).reason()).isEqualTo(Decision.Reason.NEW_SESSION);
  }

  /**
   * The affinity finds the session cookie exactly where {@link dev.lbkit.core.CookieHeader} (the
   * reference parser) sees a cookie of its name, whatever surrounds it.
   */
  @Property(tries = 500)
  void findsTheCookieExactlyWhereCookieHeaderDoes(
      @ForAll("pairs") java.util.List<String> pairs,
      @ForAll("nameSpellings") String spelling,
      @ForAll("wrappings") String wrapping,
      @ForAll @IntRange(min = 0, max = 8) int position) {
    LoadBalancer lb = lb(SessionPersistence.cookie("srv_id").secrets(SECRET).build());
    String token = cookieValue(StickyFixtures.cookiePair(lb.pick(withCookies(null))));
    java.util.List<String> all = new java.util.ArrayList<>(pairs);
    all.add(Math.min(position, all.size()), spelling + "=" + wrapping.replace("T", token));
    String header = String.join(";", all);
    boolean expected = dev.lbkit.core.CookieHeader.all(header, "srv_id").contains(token);
    Binding binding = lb.affinity().resolve(upstream.snapshot(), withCookies(header));
    assertThat(binding.kind() == Binding.Kind.BOUND).as(header).isEqualTo(expected);
  }

  @Provide
  Arbitrary<java.util.List<String>> pairs() {
    Arbitrary<String> names =
        Arbitraries.of("a", "srv_id", " srv_id", "srv_idx", "xsrv_id", "SRV_ID", "", " ", "b c");
    Arbitrary<String> values =
        Arbitraries.strings().withChars(ALPHABET + " \t\"=,").ofMaxLength(40);
    return Combinators.combine(names, values, Arbitraries.of(true, false))
        .as((n, v, eq) -> eq ? n + "=" + v : n + v)
        .list()
        .ofMaxSize(7);
  }

  @Provide
  Arbitrary<String> nameSpellings() {
    return Arbitraries.of(
        "srv_id", " srv_id", "\tsrv_id ", "srv_id  ", "srv_idx", "Srv_id", "xsrv_id");
  }

  @Provide
  Arbitrary<String> wrappings() {
    return Arbitraries.of("T", " T ", "\"T\"", " \"T\"\t", "\"T", "T\"", "xT", "Tx", "T,");
  }

  @Property(tries = 300)
  void arbitraryHeaderSessionValuesNeverThrowAndBindNothing(@ForAll String value) {
    SessionAffinity affinity =
        SessionPersistence.header("X-Session").secrets(SECRET).build().toAffinity();
    LoadBalancer lb = lb(affinity);
    Binding binding =
        affinity.resolve(upstream.snapshot(), request(Map.of("X-Session", value), false));
    assertThat(binding.kind()).isEqualTo(Binding.Kind.NONE);
    assertThat(lb.pick(request(Map.of("X-Session", value), false)).hasBackend()).isTrue();
  }

  @Property(tries = 300)
  void noAlteredTokenIsAccepted(
      @ForAll Mode mode,
      @ForAll @IntRange(min = 0, max = 35) int position,
      @ForAll @IntRange(min = 1, max = 63) int delta) {
    LoadBalancer lb = lb(SessionPersistence.cookie("srv_id").mode(mode).secrets(SECRET).build());
    String token = cookieValue(StickyFixtures.cookiePair(lb.pick(withCookies(null))));
    char changed = ALPHABET.charAt((ALPHABET.indexOf(token.charAt(position)) + delta) % 64);
    String forged = token.substring(0, position) + changed + token.substring(position + 1);
    Binding binding = lb.affinity().resolve(upstream.snapshot(), withCookies("srv_id=" + forged));
    assertThat(binding.kind()).isEqualTo(Binding.Kind.NONE);
  }

  @Property(tries = 200)
  void noRandomOrTruncatedValueIsAccepted(
      @ForAll("base64url") String random, @ForAll @IntRange(min = 1, max = 36) int cut) {
    LoadBalancer lb = lb(SessionPersistence.cookie("srv_id").secrets(SECRET).build());
    String token = cookieValue(StickyFixtures.cookiePair(lb.pick(withCookies(null))));
    for (String forged : new String[] {random, token.substring(0, 36 - cut), token + random}) {
      Binding binding = lb.affinity().resolve(upstream.snapshot(), withCookies("srv_id=" + forged));
      assertThat(binding.kind()).as(forged).isEqualTo(Binding.Kind.NONE);
    }
  }

  @Property(tries = 100)
  void tokensOfAnotherScopeOrSecretAreNotAccepted(@ForAll Mode mode) {
    SessionPersistence tea =
        SessionPersistence.cookie("srv_id").mode(mode).scope("tea").secrets(SECRET).build();
    String teaToken = StickyFixtures.cookiePair(lb(tea).pick(withCookies(null)));
    SessionAffinity coffee = tea.toBuilder().scope("coffee").build().toAffinity();
    SessionAffinity otherSecret =
        tea.toBuilder().secrets(StickyFixtures.OTHER_SECRET).build().toAffinity();
    SessionAffinity noSecret = mode == Mode.PERSISTENT ? NO_SECRET_PERSISTENT : NO_SECRET_BALANCED;
    for (SessionAffinity other : new SessionAffinity[] {coffee, otherSecret, noSecret}) {
      LoadBalancer lb = lb(other);
      assertThat(lb.pick(withCookies(teaToken)).reason()).isEqualTo(Decision.Reason.NEW_SESSION);
    }
  }

  @Property(tries = 300)
  void setCookieValuesAreSafe(
      @ForAll("configs") SessionPersistence config,
      @ForAll boolean secureRequest,
      @ForAll String userAgent) {
    LoadBalancer lb = lb(config);
    RequestContext request = request(Map.of("User-Agent", userAgent), secureRequest);
    Decision first = lb.pick(request);
    assertThat(first.responseHeaders()).hasSize(1);
    ResponseHeader header = first.responseHeaders().get(0);
    assertThat(header.name()).isEqualTo("Set-Cookie");
    String value = header.value();
    assertThat(value).doesNotContain("\r", "\n");
    assertThat(value.chars().allMatch(c -> c >= 0x20 && c < 0x7f)).as(value).isTrue();
    assertThat(value).startsWith(config.name() + "=");
    String cookieValue = cookieValue(value);
    assertThat(cookieValue.chars().allMatch(StickySessionProperties::isCookieOctet))
        .as(value)
        .isTrue();
    CookieAttributes attributes = config.cookieAttributes();
    assertThat(value).contains("; Path=" + attributes.path());
    assertThat(value.contains("; Secure"))
        .isEqualTo(
            attributes.secure() == CookieAttributes.Secure.ALWAYS
                || (attributes.secure() == CookieAttributes.Secure.WHEN_REQUEST_SECURE
                    && secureRequest));
    // The session sticks, whatever the attributes.
    Decision next = lb.pick(withCookies(value.substring(0, value.indexOf(';'))));
    assertThat(next.reason()).isEqualTo(Decision.Reason.STICKY_HIT);
    assertThat(next.backend()).isEqualTo(first.backend());
  }

  @Property(tries = 100)
  void headerSessionValuesAreTokens(@ForAll("headerNames") String name) {
    LoadBalancer lb = lb(SessionPersistence.header(name).secrets(SECRET).build());
    Decision first = lb.pick(RequestContext.empty());
    ResponseHeader header = first.responseHeaders().get(0);
    assertThat(header.name()).isEqualTo(name);
    assertThat(header.value()).matches("[A-Za-z0-9_-]{36}");
  }

  /** RFC 6265 section 4.1.1 cookie-octet. */
  static boolean isCookieOctet(int c) {
    return c == 0x21
        || (c >= 0x23 && c <= 0x2b)
        || (c >= 0x2d && c <= 0x3a)
        || (c >= 0x3c && c <= 0x5b)
        || (c >= 0x5d && c <= 0x7e);
  }

  @Provide
  Arbitrary<String> cookieHeaders() {
    Arbitrary<String> anything = Arbitraries.strings().ofMaxLength(200);
    Arbitrary<String> ofOurName =
        Arbitraries.strings()
            .withChars(ALPHABET + " ;=\"\t,|")
            .ofMaxLength(80)
            .map(v -> "a=1; srv_id=" + v + "; srv_id =\"" + v + "\"; b");
    Arbitrary<String> structured =
        Arbitraries.of("srv_id", "srv_id ", " srv_id", "SRV_ID", "srv_i", "srv_idx", "", "=")
            .list()
            .ofMaxSize(6)
            .flatMap(
                names ->
                    Arbitraries.strings()
                        .ofMaxLength(40)
                        .list()
                        .ofSize(names.size())
                        .map(
                            values -> {
                              StringBuilder sb = new StringBuilder();
                              for (int i = 0; i < names.size(); i++) {
                                sb.append(names.get(i))
                                    .append('=')
                                    .append(values.get(i))
                                    .append("; ");
                              }
                              return sb.toString();
                            }));
    return Arbitraries.oneOf(anything, ofOurName, structured);
  }

  @Provide
  Arbitrary<String> base64url() {
    return Arbitraries.strings().withChars(ALPHABET).ofMinLength(1).ofMaxLength(48);
  }

  @Provide
  Arbitrary<String> headerNames() {
    return Arbitraries.strings()
        .withChars(TOKEN_CHARS)
        .ofMinLength(1)
        .ofMaxLength(12)
        .map(s -> "X-" + s);
  }

  @Provide
  Arbitrary<SessionPersistence> configs() {
    Arbitrary<String> names =
        Arbitraries.strings()
            .withChars(TOKEN_CHARS)
            .ofMinLength(1)
            .ofMaxLength(16)
            .filter(n -> !n.startsWith("__Host-") && !n.startsWith("__Secure-"));
    Arbitrary<String> paths =
        Arbitraries.strings()
            .withChars("abcXYZ019-._~%!$&'()*+=:@/")
            .ofMaxLength(20)
            .map(p -> "/" + p);
    Arbitrary<String> domains =
        Arbitraries.of(null, "example.com", ".example.com", "a-b.c.example", "localhost");
    Arbitrary<CookieAttributes.SameSite> sameSites =
        Arbitraries.of(CookieAttributes.SameSite.class).injectNull(0.3);
    Arbitrary<CookieAttributes.Secure> secures = Arbitraries.of(CookieAttributes.Secure.class);
    Arbitrary<Integer> absolute = Arbitraries.integers().between(0, 400 * 86_400);
    return Combinators.combine(
            names,
            paths,
            domains,
            sameSites,
            secures,
            absolute,
            Arbitraries.of(Mode.class),
            Arbitraries.of(true, false))
        .as(
            (name, path, domain, sameSite, secure, seconds, mode, httpOnly) -> {
              CookieAttributes.Secure s =
                  sameSite == CookieAttributes.SameSite.NONE
                          && secure == CookieAttributes.Secure.NEVER
                      ? CookieAttributes.Secure.ALWAYS
                      : secure;
              SessionPersistence.CookieBuilder b =
                  SessionPersistence.cookie(name)
                      .attributes(
                          CookieAttributes.builder()
                              .path(path)
                              .domain(domain)
                              .sameSite(sameSite)
                              .secure(s)
                              .httpOnly(httpOnly)
                              .omitSameSiteNoneForIncompatibleClients(
                                  sameSite == CookieAttributes.SameSite.NONE)
                              .build())
                      .mode(mode)
                      .secrets(SECRET);
              if (seconds > 0) {
                b.absoluteTimeout(Duration.ofSeconds(seconds)).lifetime(Lifetime.PERMANENT);
              }
              return b.build();
            });
  }
}
