// Command flyteplug-go is a tiny Go host: it lists the loaded modules, or
// builds the resource (or the web-API request) for a task file.
//
//	flyteplug-go [-plugin-dir DIR]... [-config FILE] plugins
//	flyteplug-go [-plugin-dir DIR]... [-config FILE] build TASK.json
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"flyteplug"
)

type dirs []string

func (d *dirs) String() string     { return strings.Join(*d, ",") }
func (d *dirs) Set(v string) error { *d = append(*d, v); return nil }

func main() {
	var pluginDirs dirs
	flag.Var(&pluginDirs, "plugin-dir", "module file or directory (repeatable)")
	configPath := flag.String("config", "", "configuration JSON file")
	flag.Parse()
	os.Exit(run(pluginDirs, *configPath, flag.Args()))
}

func run(pluginDirs []string, configPath string, args []string) int {
	if len(args) == 0 || (args[0] == "build" && len(args) != 2) {
		fmt.Fprintln(os.Stderr, "usage: flyteplug-go [-plugin-dir DIR]... [-config FILE] plugins | build TASK.json")
		return 2
	}
	var config []byte
	if configPath != "" {
		var err error
		if config, err = os.ReadFile(configPath); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", configPath, err)
			return 2
		}
	}
	loader, err := flyteplug.Open(flyteplug.Options{Paths: pluginDirs, Config: config})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	defer loader.Close()
	switch args[0] {
	case "plugins":
		modules, err := loader.Modules()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 3
		}
		for _, m := range modules {
			fmt.Printf("%s\t%s\tabi %d.%d\t%s\t%s\n", m.ID, m.Version, m.ABIMajor,
				m.ABIMinor, m.Family, strings.Join(m.TaskTypes, ","))
		}
		return 0
	case "build":
		task, err := os.ReadFile(args[1])
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", args[1], err)
			return 2
		}
		ctx, err := loader.TaskContextFromJSON(task)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", args[1], err)
			return 2
		}
		out, err := loader.BuildResource(ctx)
		var ferr *flyteplug.Error
		if errors.As(err, &ferr) && ferr.Code == flyteplug.FailedPrecondition {
			out, err = loader.RenderRequest(ctx) // a web-API task
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", args[1], err)
			if errors.As(err, &ferr) && ferr.Code == flyteplug.InvalidArgument {
				return 2
			}
			return 1
		}
		fmt.Println(string(out))
		return 0
	}
	fmt.Fprintf(os.Stderr, "unknown command %q\n", args[0])
	return 2
}
