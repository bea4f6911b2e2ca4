"""processes/definitions"""
