module github.com/goplay/goplay

go 1.26.8

require (
	github.com/gophercloud/gophercloud/v2 v2.15.0
	github.com/nikolalohinski/gonja/v2 v2.9.1
	github.com/pmezard/go-difflib v1.0.0
	golang.org/x/crypto v0.59.0
	golang.org/x/term v0.48.0
	golang.org/x/text v0.44.0
	gopkg.in/yaml.v3 v3.0.1
	mvdan.cc/sh/v3 v3.14.1
)

require (
	github.com/dustin/go-humanize v1.0.1 // indirect
	github.com/json-iterator/go v1.1.12 // indirect
	github.com/modern-go/concurrent v0.0.0-20180306012644-bacd9c7ef1dd // indirect
	github.com/modern-go/reflect2 v1.0.2 // indirect
	github.com/pkg/errors v0.9.1 // indirect
	github.com/sirupsen/logrus v1.9.3 // indirect
	golang.org/x/exp v0.0.0-20240719175910-8a7402abbf56 // indirect
	golang.org/x/sys v0.50.0 // indirect
)

// A copy of yaml.v3 v3.0.1 whose syntax errors carry PyYAML's problem
// position (line and column); see third_party/yaml.v3/GOPLAY_PATCH.md.
replace gopkg.in/yaml.v3 => ./third_party/yaml.v3
