package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"
)

// rawClient posts over plain HTTP/1.1 keep-alive connections, one request
// at a time on each, without net/http's Transport: the request is written
// in one call and the answer read with http.ReadResponse. It does what a
// lean load tool (wrk, h2load) does, so that less of the two cores the
// generator shares with optgate goes to the generator itself. Meta's own
// deliveries cost optgate's machine nothing of the kind.
type rawClient struct {
	addr  string
	conns chan *rawConn
}

type rawConn struct {
	c   net.Conn
	r   *bufio.Reader
	buf []byte
}

func newRawClient(addr string, conns int) *rawClient {
	return &rawClient{addr: addr, conns: make(chan *rawConn, conns)}
}

func (rc *rawClient) get() (*rawConn, error) {
	select {
	case c := <-rc.conns:
		return c, nil
	default:
	}
	c, err := net.DialTimeout("tcp", rc.addr, 10*time.Second)
	if err != nil {
		return nil, err
	}
	return &rawConn{c: c, r: bufio.NewReaderSize(c, 4096)}, nil
}

func (rc *rawClient) put(c *rawConn) {
	select {
	case rc.conns <- c:
	default:
		c.c.Close()
	}
}

// post sends body to path with the given headers and returns the status.
func (rc *rawClient) post(ctx context.Context, path string, headers [][2]string, body []byte) (int, error) {
	c, err := rc.get()
	if err != nil {
		return 0, err
	}
	if d, ok := ctx.Deadline(); ok {
		c.c.SetDeadline(d)
	} else {
		c.c.SetDeadline(time.Now().Add(30 * time.Second))
	}
	b := append(c.buf[:0], "POST "...)
	b = append(b, path...)
	b = append(b, " HTTP/1.1\r\nHost: "...)
	b = append(b, rc.addr...)
	b = append(b, "\r\nUser-Agent: optgate-load\r\n"...)
	for _, h := range headers {
		b = append(b, h[0]...)
		b = append(b, ": "...)
		b = append(b, h[1]...)
		b = append(b, "\r\n"...)
	}
	b = append(b, "Content-Length: "...)
	b = strconv.AppendInt(b, int64(len(body)), 10)
	b = append(b, "\r\n\r\n"...)
	b = append(b, body...)
	c.buf = b
	if _, err := c.c.Write(b); err != nil {
		c.c.Close()
		return 0, err
	}
	resp, err := http.ReadResponse(c.r, nil)
	if err != nil {
		c.c.Close()
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil || resp.Close {
		c.c.Close()
		if err != nil {
			return 0, fmt.Errorf("reading the answer: %w", err)
		}
		return resp.StatusCode, nil
	}
	rc.put(c)
	return resp.StatusCode, nil
}
