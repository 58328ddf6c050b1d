package main

import (
	"bytes"
	"strings"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/bsontype"
)

// The conditions the relay's pushdown checks itself, with MongoDB's
// comparison rules for the value types the backend stores.

// matches evaluates plain equality and $eq/$ne/$lt/$lte/$gt/$gte on top-level scalar fields.
// ok is false when the filter uses anything else, so the caller passes the request on untouched.
func matches(found bson.Raw, conditions bson.D) (matched bool, ok bool) {
	if len(found) == 0 {
		return false, true
	}
	for _, condition := range conditions {
		value := found.Lookup(condition.Key)
		if value.Type == bsontype.Array || value.Type == bsontype.EmbeddedDocument {
			return false, false
		}
		operators, isDoc := condition.Value.(bson.D)
		if !isDoc {
			operators = bson.D{{Key: "$eq", Value: condition.Value}}
		} else if len(operators) == 0 || !strings.HasPrefix(operators[0].Key, "$") {
			return false, false
		}
		for _, op := range operators {
			wanted, err := rawOf(op.Value)
			if err != nil {
				return false, false
			}
			result, known := compare(value, wanted, op.Key)
			if !known {
				return false, false
			}
			if !result {
				return false, true
			}
		}
	}
	return true, true
}

func rawOf(v any) (bson.RawValue, error) {
	t, data, err := bson.MarshalValue(v)
	return bson.RawValue{Type: t, Value: data}, err
}

// compare applies one operator with MongoDB's rules for the types the backend uses;
// values of different kinds never satisfy a range and are never equal.
func compare(have, want bson.RawValue, operator string) (result bool, known bool) {
	missing := len(have.Value) == 0 && have.Type == 0
	if want.Type == bsontype.Null {
		isNull := missing || have.Type == bsontype.Null
		switch operator {
		case "$eq":
			return isNull, true
		case "$ne":
			return !isNull, true
		}
		return false, false
	}
	order, sameKind, ok := order(have, want)
	if !ok {
		return false, false
	}
	switch operator {
	case "$eq":
		return sameKind && order == 0, true
	case "$ne":
		return !sameKind || order != 0, true
	case "$lt":
		return sameKind && order < 0, true
	case "$lte":
		return sameKind && order <= 0, true
	case "$gt":
		return sameKind && order > 0, true
	case "$gte":
		return sameKind && order >= 0, true
	}
	return false, false
}

func order(have, want bson.RawValue) (int, bool, bool) {
	number := func(v bson.RawValue) (float64, bool) {
		switch v.Type {
		case bsontype.Int32:
			return float64(v.Int32()), true
		case bsontype.Int64:
			return float64(v.Int64()), true
		case bsontype.Double:
			return v.Double(), true
		}
		return 0, false
	}
	if len(have.Value) == 0 && have.Type == 0 {
		return 0, false, true // a missing field equals nothing but null
	}
	if a, isNumber := number(have); isNumber {
		if b, wantNumber := number(want); wantNumber {
			return cmp(a, b), true, true
		}
		return 0, false, knownType(want.Type)
	}
	if have.Type != want.Type {
		return 0, false, knownType(have.Type) && knownType(want.Type)
	}
	switch have.Type {
	case bsontype.String:
		return strings.Compare(have.StringValue(), want.StringValue()), true, true
	case bsontype.Boolean:
		return cmp(boolInt(have.Boolean()), boolInt(want.Boolean())), true, true
	case bsontype.DateTime:
		return cmp(float64(have.DateTime()), float64(want.DateTime())), true, true
	case bsontype.ObjectID:
		a, b := have.ObjectID(), want.ObjectID()
		return bytes.Compare(a[:], b[:]), true, true
	case bsontype.Null:
		return 0, true, true
	}
	return 0, false, false
}

func knownType(t bsontype.Type) bool {
	switch t {
	case bsontype.Int32, bsontype.Int64, bsontype.Double, bsontype.String, bsontype.Boolean, bsontype.DateTime, bsontype.ObjectID, bsontype.Null:
		return true
	}
	return false
}

func cmp(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func boolInt(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
