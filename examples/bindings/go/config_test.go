package flyteplug

// Tests of YAML configuration through the loader (flyteplug_config_to_json).

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// Propeller-style YAML, as the Helm chart writes it.
const sparkYAMLConfig = `plugins:
  spark:
    spark-config-default:
      - spark.blacklist.enabled: "true"
      - spark.kubernetes.allocation.batch.size: "50"
  databricks:
    databricksInstance: dbc-test.cloud.databricks.com
`

func checkSparkDefaults(t *testing.T, opts Options) {
	t.Helper()
	opts.Paths = extraPaths()
	l, err := Open(opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer l.Close()
	manifest, err := l.BuildResource(context(t, l, "examples/tasks/pyspark_task.json"))
	if err != nil {
		t.Fatalf("BuildResource: %v", err)
	}
	var m struct {
		Spec struct {
			SparkConf map[string]string `json:"sparkConf"`
		} `json:"spec"`
	}
	if err := json.Unmarshal(manifest, &m); err != nil {
		t.Fatalf("manifest: %v", err)
	}
	if got := m.Spec.SparkConf["spark.blacklist.enabled"]; got != "true" {
		t.Errorf("sparkConf[spark.blacklist.enabled] = %q, want \"true\"", got)
	}
	if got := m.Spec.SparkConf["spark.kubernetes.allocation.batch.size"]; got != "50" {
		t.Errorf("sparkConf[spark.kubernetes.allocation.batch.size] = %q, want \"50\"", got)
	}
}

func TestYAMLConfigSetsSparkDefaults(t *testing.T) {
	checkSparkDefaults(t, Options{Config: []byte(sparkYAMLConfig)})
	checkSparkDefaults(t, Options{Config: []byte(sparkYAMLConfig), ConfigFormat: ConfigYAML})
	for _, name := range []string{"cfg.yaml", "cfg.yml"} {
		path := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(path, []byte(sparkYAMLConfig), 0o600); err != nil {
			t.Fatal(err)
		}
		checkSparkDefaults(t, Options{ConfigFile: path})
	}
	converted, warnings, err := ConfigFromYAML([]byte(sparkYAMLConfig))
	if err != nil || len(warnings) != 0 {
		t.Fatalf("ConfigFromYAML: %v %v", err, warnings)
	}
	checkSparkDefaults(t, Options{Config: converted, ConfigFormat: ConfigJSON})
}

func TestConfigToJSONTypesLikeFlyte(t *testing.T) {
	out, _, err := ConfigFromYAML([]byte("a: '1'\nb: 1\nc: true\nd: 1Gi\ne: ~\n"))
	if err != nil {
		t.Fatalf("ConfigFromYAML: %v", err)
	}
	var got map[string]interface{}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]interface{}{"a": "1", "b": 1.0, "c": true, "d": "1Gi", "e": nil}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	// JSON comes back unchanged.
	out, _, err = ConfigToJSON([]byte(`{"plugins": {}}`), ConfigAuto)
	if err != nil || string(out) != `{"plugins": {}}` {
		t.Errorf("ConfigToJSON(JSON) = %q, %v", out, err)
	}
}

func TestYAMLConfigErrorsNameLineAndColumn(t *testing.T) {
	_, err := Open(Options{Config: []byte("plugins:\n  spark: {}\n  spark: {}\n")})
	var fe *Error
	if !errors.As(err, &fe) || fe.Code != InvalidArgument {
		t.Fatalf("Open(duplicate key) = %v, want InvalidArgument", err)
	}
	if want := "config:3:3: plugins.spark: duplicate key"; fe.Message != want {
		t.Errorf("message %q, want %q", fe.Message, want)
	}

	path := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(path, []byte("plugins: [1,\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = Open(Options{ConfigFile: path})
	if !errors.As(err, &fe) || fe.Code != InvalidArgument {
		t.Fatalf("Open(bad.yaml) = %v, want InvalidArgument", err)
	}
	if !strings.HasPrefix(fe.Message, path+":2:1: invalid YAML") {
		t.Errorf("message %q does not start with %q", fe.Message, path+":2:1: invalid YAML")
	}

	_, err = Open(Options{Config: []byte("- a\n- b\n")})
	if !errors.As(err, &fe) || !strings.Contains(fe.Message, "must be a YAML mapping") {
		t.Errorf("Open(list) = %v, want 'must be a YAML mapping'", err)
	}
	_, _, err = ConfigToJSON([]byte("{}"), ConfigFormat(7))
	if !errors.As(err, &fe) || fe.Code != InvalidArgument {
		t.Errorf("ConfigToJSON(format 7) = %v, want InvalidArgument", err)
	}
}

func TestMisspelledConfigKeyIsReported(t *testing.T) {
	var got []string
	l, err := Open(Options{
		Paths:          extraPaths(),
		Config:         []byte(sparkYAMLConfig + "plugin:\n  x: 1\n"),
		ConfigWarnings: func(m string) { got = append(got, m) },
	})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	l.Close()
	want := []string{"config: plugin: unknown key, did you mean 'plugins'?"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("warnings %q, want %q", got, want)
	}
}
