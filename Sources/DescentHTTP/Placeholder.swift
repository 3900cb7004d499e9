// DescentHTTP
