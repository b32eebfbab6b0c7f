import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Checks what {@code mvn -P release deploy} would upload to Maven Central, from the effective POMs
 * of the whole reactor (written by {@code help:effective-pom -P release}) and the files that
 * {@code mvn verify} left in each module's target directory. Run by .ci/check-artifacts:
 *
 * <pre>java .ci/PublicationCheck.java target/effective-poms.xml</pre>
 *
 * <p>A project is published unless it sets {@code maven.deploy.skip}; a published project of
 * packaging jar is a library. It checks:
 *
 * <ul>
 *   <li>every published POM has the name, description, url, licenses, developers and scm that
 *       Central requires, and the release profile signs it and stages it;
 *   <li>every library has its jar, a sources jar with its sources and a javadoc jar without its
 *       internal packages;
 *   <li>lbkit-bom has no parent and manages exactly the libraries, at its own version, and
 *       nothing else, so that importing it pins no third-party artifact;
 *   <li>lbkit-bom, which cannot inherit from lbkit-parent, repeats the parent's metadata and
 *       plugin versions exactly.
 * </ul>
 */
public final class PublicationCheck {
  private static final String GROUP = "dev.lbkit";
  private static final String BOM = "lbkit-bom";
  private static final String PARENT = "lbkit-parent";

  private final List<String> failures = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: java .ci/PublicationCheck.java target/effective-poms.xml");
      System.exit(2);
    }
    PublicationCheck check = new PublicationCheck();
    String summary = check.run(new File(args[0]));
    if (!check.failures.isEmpty()) {
      check.failures.forEach(f -> System.err.println("check-artifacts: " + f));
      System.err.println("check-artifacts: " + check.failures.size() + " problem(s)");
      System.exit(1);
    }
    System.out.println("check-artifacts: " + summary);
  }

  private String run(File effectivePoms) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(false);
    Element root = factory.newDocumentBuilder().parse(effectivePoms).getDocumentElement();
    Map<String, Element> projects = new LinkedHashMap<>();
    for (Element project : children(root, "project")) {
      projects.put(text(project, "artifactId"), project);
    }
    if (root.getTagName().equals("project")) {
      projects.put(text(root, "artifactId"), root);
    }

    Set<String> libraries = new TreeSet<>();
    int published = 0;
    for (Map.Entry<String, Element> e : projects.entrySet()) {
      Element project = e.getValue();
      if ("true".equals(text(child(project, "properties"), "maven.deploy.skip"))) {
        continue;
      }
      published++;
      checkMetadata(e.getKey(), project);
      checkReleaseProfile(e.getKey(), project);
      String packaging = text(project, "packaging");
      if (packaging.isEmpty() || packaging.equals("jar")) {
        libraries.add(e.getKey());
        checkFiles(e.getKey(), project);
      }
    }
    if (libraries.isEmpty()) {
      failures.add("no library found in " + effectivePoms + " (was it written with -P release?)");
    }

    Element bom = projects.get(BOM);
    Element parent = projects.get(PARENT);
    if (bom == null || parent == null) {
      failures.add("the reactor has no " + BOM + " or no " + PARENT);
    } else {
      checkBom(bom, libraries);
      checkBomMatchesParent(bom, parent);
    }
    return published
        + " published POMs complete; libraries "
        + libraries
        + " have their jar, sources and javadoc; "
        + BOM
        + " manages only them";
  }

  private void checkMetadata(String artifactId, Element project) {
    for (String field : List.of("name", "description", "url")) {
      if (text(project, field).isEmpty()) {
        failures.add(artifactId + ": no <" + field + ">");
      }
    }
    List<Element> licenses = children(child(project, "licenses"), "license");
    if (licenses.isEmpty()) {
      failures.add(artifactId + ": no <licenses>");
    }
    for (Element license : licenses) {
      if (text(license, "name").isEmpty() || text(license, "url").isEmpty()) {
        failures.add(artifactId + ": a <license> without a name or url");
      }
    }
    List<Element> developers = children(child(project, "developers"), "developer");
    if (developers.isEmpty()) {
      failures.add(artifactId + ": no <developers>");
    }
    for (Element developer : developers) {
      if (text(developer, "name").isEmpty()) {
        failures.add(artifactId + ": a <developer> without a name");
      }
    }
    Element scm = child(project, "scm");
    for (String field : List.of("url", "connection", "developerConnection")) {
      if (text(scm, field).isEmpty()) {
        failures.add(artifactId + ": no <scm><" + field + ">");
      }
    }
    // Inherited URLs get the module's artifactId appended unless the parent says not to; the
    // repository has one address, not one per module.
    for (String url : List.of(text(project, "url"), text(scm, "url"), text(scm, "connection"))) {
      if (url.endsWith("/" + artifactId) || url.endsWith("/" + artifactId + ".git")) {
        failures.add(artifactId + ": an inherited URL has the module appended: " + url);
      }
    }
  }

  private void checkReleaseProfile(String artifactId, Element project) {
    Element gpg = plugin(child(project, "build"), "org.apache.maven.plugins", "maven-gpg-plugin");
    if (gpg == null || !hasGoal(gpg, "sign")) {
      failures.add(artifactId + ": the release profile does not sign it (maven-gpg-plugin:sign)");
    }
    Element central =
        plugin(
            child(project, "build"), "org.sonatype.central", "central-publishing-maven-plugin");
    if (central == null || !"true".equals(text(central, "extensions"))) {
      failures.add(
          artifactId + ": the release profile does not stage it (central-publishing-maven-plugin)");
    }
  }

  private void checkFiles(String artifactId, Element project) throws IOException {
    Element build = child(project, "build");
    File directory = new File(text(build, "directory"));
    String finalName = text(build, "finalName");
    File jar = new File(directory, finalName + ".jar");
    File sources = new File(directory, finalName + "-sources.jar");
    File javadoc = new File(directory, finalName + "-javadoc.jar");
    for (File file : List.of(jar, sources, javadoc)) {
      if (!file.isFile()) {
        failures.add(artifactId + ": " + file + " is missing (run mvn verify first)");
        return;
      }
    }
    List<String> jarEntries = entries(jar);
    List<String> sourceEntries = entries(sources);
    List<String> javadocEntries = entries(javadoc);
    if (jarEntries.stream().noneMatch(n -> n.endsWith(".class"))) {
      failures.add(artifactId + ": " + jar.getName() + " has no class");
    }
    if (!jarEntries.contains("META-INF/maven/" + GROUP + "/" + artifactId + "/pom.xml")) {
      failures.add(artifactId + ": " + jar.getName() + " has no META-INF/maven pom.xml");
    }
    if (sourceEntries.stream().noneMatch(n -> n.endsWith(".java"))) {
      failures.add(artifactId + ": " + sources.getName() + " has no source");
    }
    if (!javadocEntries.contains("index.html")) {
      failures.add(artifactId + ": " + javadoc.getName() + " has no index.html");
    }
    for (String entry : javadocEntries) {
      if (entry.contains("/internal/") && entry.endsWith(".html")) {
        failures.add(artifactId + ": the javadoc publishes an internal package: " + entry);
        break;
      }
    }
  }

  private void checkBom(Element bom, Set<String> libraries) {
    if (child(bom, "parent") != null) {
      failures.add(BOM + ": has a parent; it would inherit that parent's dependencyManagement");
    }
    if (!"pom".equals(text(bom, "packaging"))) {
      failures.add(BOM + ": packaging is not pom");
    }
    String version = text(bom, "version");
    Set<String> managed = new TreeSet<>();
    Element management = child(child(bom, "dependencyManagement"), "dependencies");
    for (Element dependency : children(management, "dependency")) {
      String coordinates =
          text(dependency, "groupId")
              + ":"
              + text(dependency, "artifactId")
              + ":"
              + text(dependency, "version");
      if (!GROUP.equals(text(dependency, "groupId"))) {
        failures.add(BOM + ": manages a third-party artifact, " + coordinates);
        continue;
      }
      if (!version.equals(text(dependency, "version"))) {
        failures.add(BOM + ": manages " + coordinates + ", not at its own version " + version);
      }
      managed.add(text(dependency, "artifactId"));
    }
    if (!managed.equals(libraries)) {
      failures.add(BOM + ": manages " + managed + "; the published libraries are " + libraries);
    }
  }

  /** The BOM repeats what it cannot inherit; this is where a copy that drifted shows. */
  private void checkBomMatchesParent(Element bom, Element parent) {
    if (!text(bom, "version").equals(text(parent, "version"))) {
      failures.add(BOM + ": version " + text(bom, "version") + ", parent " + text(parent, "version"));
    }
    for (String field : List.of("url", "licenses", "developers", "issueManagement")) {
      if (!Objects.equals(flat(child(bom, field)), flat(child(parent, field)))) {
        failures.add(BOM + ": <" + field + "> differs from " + PARENT + "'s");
      }
    }
    for (String field : List.of("url", "connection", "developerConnection")) {
      if (!text(child(bom, "scm"), field).equals(text(child(parent, "scm"), field))) {
        failures.add(BOM + ": <scm><" + field + "> differs from " + PARENT + "'s");
      }
    }
    Map<String, String> parentVersions = pluginVersions(parent);
    for (Map.Entry<String, String> e : pluginVersions(bom).entrySet()) {
      String expected = parentVersions.get(e.getKey());
      if (expected == null) {
        failures.add(BOM + ": uses " + e.getKey() + ", which " + PARENT + " does not pin");
      } else if (!expected.equals(e.getValue())) {
        failures.add(
            BOM + ": " + e.getKey() + " " + e.getValue() + ", " + PARENT + " pins " + expected);
      }
    }
  }

  private static Map<String, String> pluginVersions(Element project) {
    Map<String, String> versions = new LinkedHashMap<>();
    Element build = child(project, "build");
    List<Element> plugins = new ArrayList<>(children(child(build, "plugins"), "plugin"));
    plugins.addAll(children(child(child(build, "pluginManagement"), "plugins"), "plugin"));
    for (Element plugin : plugins) {
      versions.put(key(plugin), text(plugin, "version"));
    }
    return versions;
  }

  private static Element plugin(Element build, String groupId, String artifactId) {
    for (Element plugin : children(child(build, "plugins"), "plugin")) {
      if (key(plugin).equals(groupId + ":" + artifactId)) {
        return plugin;
      }
    }
    return null;
  }

  private static boolean hasGoal(Element plugin, String goal) {
    for (Element execution : children(child(plugin, "executions"), "execution")) {
      for (Element g : children(child(execution, "goals"), "goal")) {
        if (goal.equals(g.getTextContent().trim())) {
          return true;
        }
      }
    }
    return false;
  }

  private static String key(Element plugin) {
    String groupId = text(plugin, "groupId");
    return (groupId.isEmpty() ? "org.apache.maven.plugins" : groupId)
        + ":"
        + text(plugin, "artifactId");
  }

  private static List<String> entries(File jar) throws IOException {
    List<String> names = new ArrayList<>();
    try (ZipFile zip = new ZipFile(jar)) {
      for (ZipEntry entry : Collections.list(zip.entries())) {
        names.add(entry.getName());
      }
    }
    return names;
  }

  /** An element's text with its whitespace collapsed, for comparing two copies of it. */
  private static String flat(Element element) {
    return element == null ? "" : element.getTextContent().replaceAll("\\s+", " ").trim();
  }

  private static Element child(Element parent, String name) {
    List<Element> found = children(parent, name);
    return found.isEmpty() ? null : found.get(0);
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> found = new ArrayList<>();
    if (parent == null) {
      return found;
    }
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element && ((Element) n).getTagName().equals(name)) {
        found.add((Element) n);
      }
    }
    return found;
  }

  private static String text(Element parent, String name) {
    Element element = child(parent, name);
    return element == null ? "" : element.getTextContent().trim();
  }
}
