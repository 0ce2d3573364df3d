// Command linli is the whole product in one binary: the web server and its
// administrative commands. It parses nothing itself; see internal/app.
package main

import (
	"context"
	"os"

	"linli/internal/app"
)

func main() {
	os.Exit(app.Run(context.Background(), app.Env{Args: os.Args[1:], Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}))
}
