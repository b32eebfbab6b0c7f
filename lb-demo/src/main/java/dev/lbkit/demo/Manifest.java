package dev.lbkit.demo;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.nodes.Node;

/**
 * One Kubernetes object of the manifests, as written, with where it is: its {@code apiVersion},
 * {@code kind}, name and namespace ({@code default} unless set), and its YAML for the readers.
 */
record Manifest(ConfigNode root, String apiVersion, String kind, String name, String namespace) {
  /** The API group: {@code gateway.networking.k8s.io}, or {@code ""} for the core group. */
  String group() {
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? "" : apiVersion.substring(0, slash);
  }

  /** {@code namespace/name}, as Kubernetes references name an object. */
  String key() {
    return namespace + '/' + name;
  }

  ConfigNode spec() {
    return root.get("spec");
  }

  ConfigNode metadata() {
    return root.get("metadata");
  }

  /** {@code HTTPRoute default/coffee}, for messages. */
  @Override
  public String toString() {
    return kind + ' ' + key();
  }

  /**
   * Every object of the manifests, in order: each path is a file, or a directory whose {@code
   * *.yaml} and {@code *.yml} files are read in name order (not its subdirectories); a file may
   * hold several documents ({@code ---}) and {@code kind: List} objects, as {@code kubectl apply
   * -f} takes them.
   */
  static List<Manifest> load(List<Path> paths) {
    List<Manifest> out = new ArrayList<>();
    for (Path path : paths) {
      for (Path file : files(path)) {
        String name = file.toString();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
          out.addAll(parse(name, reader));
        } catch (IOException e) {
          throw new ConfigException(name, 0, "", "cannot be read: " + e.getMessage(), e);
        }
      }
    }
    return out;
  }

  /** The objects of one file's text; {@code name} is what errors call the file. */
  static List<Manifest> parse(String name, String text) {
    return parse(name, new StringReader(text));
  }

  private static List<Manifest> parse(String name, Reader reader) {
    List<Manifest> out = new ArrayList<>();
    for (Node document : GatewayConfigReader.composeAll(name, reader)) {
      add(ConfigNode.root(name, document), out);
    }
    return out;
  }

  private static void add(ConfigNode object, List<Manifest> out) {
    if (!object.isMapping()) {
      throw object.error(
          "%s (expected: a Kubernetes object with apiVersion, kind and metadata)", object.quoted());
    }
    String apiVersion = object.require("apiVersion").text();
    String kind = object.require("kind").text();
    if (kind.equals("List") && apiVersion.equals("v1")) {
      for (ConfigNode item : object.get("items").elements()) {
        add(item, out);
      }
      return;
    }
    ConfigNode metadata = object.require("metadata");
    String name = metadata.require("name").text();
    String namespace = metadata.get("namespace").isMissing() ? "default" : namespace(metadata);
    out.add(new Manifest(object, apiVersion, kind, name, namespace));
  }

  private static String namespace(ConfigNode metadata) {
    ConfigNode node = metadata.get("namespace");
    if (!node.isMapping() && !node.isSequence()) {
      return node.text();
    }
    throw node.error("%s (expected: a namespace name)", node.quoted());
  }

  private static List<Path> files(Path path) {
    String name = path.toString();
    if (Files.isRegularFile(path)) {
      return List.of(path);
    }
    if (!Files.isDirectory(path)) {
      throw new ConfigException(
          name, 0, "", "no such file or directory (expected: a manifest file or a directory)");
    }
    List<Path> files;
    try (Stream<Path> list = Files.list(path)) {
      files =
          list.filter(Files::isRegularFile)
              .filter(
                  p -> {
                    String file = p.getFileName().toString().toLowerCase(Locale.ROOT);
                    return file.endsWith(".yaml") || file.endsWith(".yml");
                  })
              .sorted(Comparator.comparing(p -> p.getFileName().toString()))
              .toList();
    } catch (IOException e) {
      throw new ConfigException(name, 0, "", "cannot be read: " + e.getMessage(), e);
    }
    if (files.isEmpty()) {
      throw new ConfigException(
          name, 0, "", "a directory without manifests (expected: *.yaml or *.yml files)");
    }
    return files;
  }

  /** The object's annotations that belong to a tool ({@code prefix/name}), as strings. */
  Map<String, String> annotations() {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, ConfigNode> e : metadata().get("annotations").fields().entrySet()) {
      // A key without a prefix is nobody's load-balancing setting, and the lbkit readers would
      // take it as one of theirs.
      if (e.getKey().indexOf('/') < 0) {
        continue;
      }
      Object value = e.getValue().plain();
      if (!(value instanceof String)) {
        throw e.getValue()
            .error("%s (expected: a string, as annotations are)", e.getValue().quoted());
      }
      out.put(e.getKey(), (String) value);
    }
    return out;
  }
}
